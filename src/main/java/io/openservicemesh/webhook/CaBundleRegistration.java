package io.openservicemesh.webhook;

import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Keeps a webhook configuration's caBundle equal to the mesh roots: creates the configuration when it is
 * absent, else patches every webhook whose bundle differs. Safe with several replicas: they share the roots
 * (the CA Secret), a lost create race turns into an update, and every patch is guarded by tests of what it was
 * computed from, so a stale patch fails and is recomputed from a fresh read.
 */
public final class CaBundleRegistration {

  private static final Logger LOG = Logger.getLogger(CaBundleRegistration.class.getName());

  /** Conflicts come from other replicas writing the same thing: a few fresh reads settle them. */
  static final int MAX_ATTEMPTS = 5;

  /** What a reconciliation did. */
  public enum Outcome { CREATED, UPDATED, UNCHANGED }

  private final WebhookConfigurationClient client;

  public CaBundleRegistration(WebhookConfigurationClient client) {
    this.client = client;
  }

  public Outcome reconcile(String name, String rootsPem) throws WebhookApiException {
    WebhookApiException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Optional<List<CaBundlePatch.Webhook>> webhooks = client.read(name);
      try {
        if (webhooks.isEmpty()) {
          client.create(name, rootsPem);
          LOG.info(() -> "created " + client.kind() + " " + name + " with the mesh roots as caBundle");
          return Outcome.CREATED;
        }
        Optional<String> patch = CaBundlePatch.toRoots(webhooks.get(), rootsPem);
        if (patch.isEmpty()) {
          return Outcome.UNCHANGED;
        }
        client.patch(name, patch.get());
        LOG.info(() -> "set the caBundle of " + client.kind() + " " + name + " to the mesh roots");
        return Outcome.UPDATED;
      } catch (WebhookApiException e) {
        if (e.code() != 409 && e.code() != 422) {
          throw e;
        }
        last = e;
      }
    }
    throw new WebhookApiException(last.code(), client.kind() + " " + name + " kept changing under "
        + MAX_ATTEMPTS + " attempts to set its caBundle: " + last.getMessage());
  }
}

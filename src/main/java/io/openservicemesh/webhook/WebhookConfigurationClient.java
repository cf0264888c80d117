package io.openservicemesh.webhook;

import java.util.List;
import java.util.Optional;

/**
 * One kind of cluster-scoped webhook configuration (mutating or validating) as the registration needs it: read
 * its webhooks, create it, patch it. Kept apart so the create-or-update logic is the same for both kinds.
 */
public interface WebhookConfigurationClient {

  /** The configuration's webhooks in order, or empty when it does not exist. */
  Optional<List<CaBundlePatch.Webhook>> read(String name) throws WebhookApiException;

  /**
   * Creates the default configuration with the given caBundle.
   *
   * @throws WebhookApiException with code 409 when it exists (another replica was first)
   */
  void create(String name, String rootsPem) throws WebhookApiException;

  /** Applies a JSON patch. A failed {@code test} answers 422 (stale read), a conflict 409. */
  void patch(String name, String jsonPatch) throws WebhookApiException;

  /** For logs: "MutatingWebhookConfiguration" or "ValidatingWebhookConfiguration". */
  String kind();
}

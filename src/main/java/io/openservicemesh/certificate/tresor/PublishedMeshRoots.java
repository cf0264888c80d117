package io.openservicemesh.certificate.tresor;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.openservicemesh.certificate.store.CaStoreException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where else a running mesh's roots are published: the caBundle the control plane sets on its own
 * MutatingWebhookConfiguration (the chart leaves it out, so an upgrade keeps it). Finding roots there while the
 * CA Secret is missing means the mesh already has a root that this start would silently replace.
 */
final class PublishedMeshRoots implements PublishedRoots {

  private static final int NOT_FOUND = 404;

  private final ApiClient client;
  private final String configurationName;

  PublishedMeshRoots(ApiClient client, String configurationName) {
    this.client = client;
    this.configurationName = configurationName;
  }

  @Override
  public String where() {
    return "the caBundle of MutatingWebhookConfiguration " + configurationName;
  }

  /** The roots published there, as PEM; empty when the configuration is absent or carries none. */
  @Override
  public Optional<String> find() throws CaStoreException {
    try {
      V1MutatingWebhookConfiguration configuration =
          new AdmissionregistrationV1Api(client).readMutatingWebhookConfiguration(configurationName).execute();
      if (configuration.getWebhooks() == null) {
        return Optional.empty();
      }
      return configuration.getWebhooks().stream()
          .map(V1MutatingWebhook::getClientConfig)
          .filter(config -> config != null && config.getCaBundle() != null && config.getCaBundle().length > 0)
          .map(config -> new String(config.getCaBundle(), StandardCharsets.UTF_8))
          .findFirst();
    } catch (ApiException e) {
      if (e.getCode() == NOT_FOUND) {
        return Optional.empty();
      }
      throw new CaStoreException("cannot read " + where() + " to check that no mesh root exists already (HTTP "
          + e.getCode() + ")", e);
    }
  }
}

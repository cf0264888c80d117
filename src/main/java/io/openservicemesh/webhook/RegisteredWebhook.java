package io.openservicemesh.webhook;

import io.kubernetes.client.openapi.ApiClient;
import io.openservicemesh.config.MeshSettings;

/**
 * A webhook configuration whose caBundle must follow the mesh roots. The injector and the config validator each
 * provide theirs as a CDI bean; {@link WebhookRegistrations} keeps them all current without knowing either.
 */
public interface RegisteredWebhook {

  /** The configuration's name, e.g. {@code osm-webhook-osm-system} for the injector's. */
  String configurationName(MeshSettings settings);

  /** Reads, creates and patches the configuration through the API server. */
  WebhookConfigurationClient client(ApiClient client, MeshSettings settings);
}

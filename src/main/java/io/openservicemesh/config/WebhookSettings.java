package io.openservicemesh.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The admission webhooks' registration and serving certificate.
 *
 * @param configNamePrefix the MutatingWebhookConfiguration is {@code <prefix>-<osmNamespace>}, the
 *     ValidatingWebhookConfiguration {@code <prefix>-validator-<osmNamespace>} (the Helm chart's names)
 * @param extraServingNames DNS names added to the serving certificate besides the Services' names
 * @param clientCaFile CA certificates the API server's client certificate must chain to; empty: callers are
 *     not authenticated
 * @param clientNames with a client CA, the subject CN or DNS SANs allowed; empty: any certificate it signed
 */
public record WebhookSettings(String configNamePrefix, List<String> extraServingNames, Optional<Path> clientCaFile,
    List<String> clientNames) {

  public WebhookSettings {
    extraServingNames = List.copyOf(extraServingNames);
    clientNames = List.copyOf(clientNames);
  }

  /** Without client authentication, as before it existed: what tests and older configurations build. */
  public WebhookSettings(String configNamePrefix, List<String> extraServingNames) {
    this(configNamePrefix, extraServingNames, Optional.empty(), List.of());
  }

  public String mutatingConfigurationName(String osmNamespace) {
    return configNamePrefix + "-" + osmNamespace;
  }

  public String validatingConfigurationName(String osmNamespace) {
    return configNamePrefix + "-validator-" + osmNamespace;
  }
}

package io.openservicemesh.config;

import java.util.List;

/**
 * The admission webhooks' registration and serving certificate.
 *
 * @param configNamePrefix the MutatingWebhookConfiguration is {@code <prefix>-<osmNamespace>}, the
 *     ValidatingWebhookConfiguration {@code <prefix>-validator-<osmNamespace>} (the Helm chart's names)
 * @param extraServingNames DNS names added to the serving certificate besides the Services' names
 */
public record WebhookSettings(String configNamePrefix, List<String> extraServingNames) {

  public WebhookSettings {
    extraServingNames = List.copyOf(extraServingNames);
  }

  public String mutatingConfigurationName(String osmNamespace) {
    return configNamePrefix + "-" + osmNamespace;
  }

  public String validatingConfigurationName(String osmNamespace) {
    return configNamePrefix + "-validator-" + osmNamespace;
  }
}

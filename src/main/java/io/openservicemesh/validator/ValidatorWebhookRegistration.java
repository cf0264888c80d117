package io.openservicemesh.validator;

import io.kubernetes.client.openapi.ApiClient;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.webhook.KubernetesWebhookConfigurations;
import io.openservicemesh.webhook.RegisteredWebhook;
import io.openservicemesh.webhook.WebhookConfigurationClient;
import jakarta.enterprise.context.ApplicationScoped;

/** The config validator's ValidatingWebhookConfiguration, created from its template when absent. */
@ApplicationScoped
public class ValidatorWebhookRegistration implements RegisteredWebhook {

  @Override
  public String configurationName(MeshSettings settings) {
    return settings.webhooks().validatingConfigurationName(settings.osmNamespace());
  }

  @Override
  public WebhookConfigurationClient client(ApiClient client, MeshSettings settings) {
    return KubernetesWebhookConfigurations.validating(client,
        (name, roots) -> ValidatorWebhookConfiguration.template(name, settings.osmNamespace(), roots));
  }
}

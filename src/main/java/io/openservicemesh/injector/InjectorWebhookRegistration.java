package io.openservicemesh.injector;

import io.kubernetes.client.openapi.ApiClient;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.webhook.KubernetesWebhookConfigurations;
import io.openservicemesh.webhook.RegisteredWebhook;
import io.openservicemesh.webhook.WebhookConfigurationClient;
import jakarta.enterprise.context.ApplicationScoped;

/** The sidecar injector's MutatingWebhookConfiguration, created from its template when absent. */
@ApplicationScoped
public class InjectorWebhookRegistration implements RegisteredWebhook {

  @Override
  public String configurationName(MeshSettings settings) {
    return settings.webhooks().mutatingConfigurationName(settings.osmNamespace());
  }

  @Override
  public WebhookConfigurationClient client(ApiClient client, MeshSettings settings) {
    return KubernetesWebhookConfigurations.mutating(client,
        (name, roots) -> InjectorWebhookConfiguration.template(name, settings.osmNamespace(), roots));
  }
}

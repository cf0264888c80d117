package io.openservicemesh.validator;

import io.openservicemesh.config.MeshConfiguration;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.webhook.AdmissionEndpoint;
import io.openservicemesh.webhook.AdmissionMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The config validator as the server runs it. */
@ApplicationScoped
public class ConfigValidatorWebhook {

  @Inject MeshConfiguration configuration;
  @Inject AdmissionMeter meter;

  private AdmissionEndpoint endpoint;

  public synchronized AdmissionEndpoint endpoint() {
    if (endpoint == null) {
      endpoint = new AdmissionEndpoint("the config validator", new ConfigValidator(() -> configuration.current()
          .settings().map(MeshSettings::osmNamespace).orElse(""), InstallTimeValues::lookup), "validator", meter);
    }
    return endpoint;
  }
}

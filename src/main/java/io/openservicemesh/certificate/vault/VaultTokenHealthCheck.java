package io.openservicemesh.certificate.vault;

import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the Vault issuer has no usable token (expired, or refused by Vault): such a replica
 * cannot issue, and traffic needing new certificates should go to one that can. Up again by itself
 * once a renewal or login succeeds. Up, and saying so, when Vault is not the certificate manager or
 * has not started (the certificate-authority check covers start-up).
 */
@Readiness
@ApplicationScoped
public class VaultTokenHealthCheck extends DetailedHealthCheck {

  @Inject VaultBackend backend;

  @Override
  public HealthCheckResponse detailed() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("vault-token");
    return backend.tokenStatus()
        .map(status -> {
          response.status(status.usable());
          if (!status.usable()) {
            response.withData("reason", status.reason());
          }
          status.details().forEach(response::withData);
          return response.build();
        })
        .orElseGet(() -> response.up().withData("state", "not in use (the Vault issuer is not running)").build());
  }
}

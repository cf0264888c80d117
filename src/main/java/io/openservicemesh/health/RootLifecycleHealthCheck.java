package io.openservicemesh.health;

import io.openservicemesh.certificate.RootStatus;
import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The mesh roots and a root rotation's progress, in the readiness report. Always UP: a rotation that waits, or
 * an operator's CA that was refused, leaves the current root serving, and taking the replica out of its Service
 * would only cut proxies off.
 */
@Readiness
@ApplicationScoped
public class RootLifecycleHealthCheck extends DetailedHealthCheck {

  @Inject RootStatus roots;

  @Override
  public HealthCheckResponse detailed() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("mesh-roots").up();
    roots.rootDetails().forEach(response::withData);
    return response.build();
  }
}

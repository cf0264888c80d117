package io.openservicemesh.status;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * A readiness or liveness check with two audiences. Whoever reaches {@code /health} on the HTTP port (probes, a
 * load balancer, anyone on the pod network) learns each check's name and whether it is UP; the details that tell an
 * operator why (which root signs, its serial and expiry, Vault's address and token state, what a rotation waits
 * for) are served by the debug views on the loopback-only port, which read {@link #detailed()}.
 */
public abstract class DetailedHealthCheck implements HealthCheck {

  /** The check's name and status with everything it knows, for the debug views. */
  public abstract HealthCheckResponse detailed();

  /** What MicroProfile Health serves on {@code /health}: the name and the status, no data. */
  @Override
  public HealthCheckResponse call() {
    HealthCheckResponse detailed = detailed();
    return HealthCheckResponse.named(detailed.getName())
        .status(detailed.getStatus() == HealthCheckResponse.Status.UP).build();
  }
}

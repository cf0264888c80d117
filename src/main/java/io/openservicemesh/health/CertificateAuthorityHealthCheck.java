package io.openservicemesh.health;

import io.openservicemesh.status.ControlPlaneStatus.Phase;
import io.openservicemesh.status.ControlPlaneStatus.Status;
import io.openservicemesh.status.ControlPlaneStatus;
import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the issuer is up. When ready it reports where the root lives, its serial and expiry, so an
 * operator (or a test) can tell which CA a replica serves; when not, the reason and the retry state.
 */
@Readiness
@ApplicationScoped
public class CertificateAuthorityHealthCheck extends DetailedHealthCheck {

  @Inject ControlPlaneStatus controlPlane;

  @Override
  public HealthCheckResponse detailed() {
    Status status = controlPlane.status();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("certificate-authority").status(status.phase() == Phase.READY);
    response.withData("phase", status.phase().name());
    if (!status.reason().isEmpty()) {
      response.withData("reason", status.reason());
    }
    status.details().forEach(response::withData);
    return response.build();
  }
}

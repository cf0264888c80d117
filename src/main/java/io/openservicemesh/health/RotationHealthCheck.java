package io.openservicemesh.health;

import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.rotation.RotationStatus;
import io.openservicemesh.rotation.RotationView;
import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while a certificate is near or past expiry without a successor (a CA away for too long): the
 * details name it. Otherwise reports the rotation's counters, its next renewal and the control plane's own
 * webhook serving certificates, so an operator (or a test) can watch rotation work.
 */
@Readiness
@ApplicationScoped
public class RotationHealthCheck extends DetailedHealthCheck {

  @Inject RotationView rotation;

  @Override
  public HealthCheckResponse detailed() {
    RotationReadiness readiness = readiness();
    HealthCheckResponseBuilder response = HealthCheckResponse.named("rotation").status(readiness.up());
    readiness.data().forEach((key, value) -> {
      if (value instanceof Long number) {
        response.withData(key, number);
      } else {
        response.withData(key, String.valueOf(value));
      }
    });
    return response.build();
  }

  private RotationReadiness readiness() {
    Optional<RotationStatus> status = rotation.status();
    if (status.isEmpty()) {
      return RotationReadiness.notStarted();
    }
    List<RotationReadiness.ServedCertificate> served = rotation.servedCertificates().stream()
        .map(certificate -> new RotationReadiness.ServedCertificate(nameOf(certificate.kind()),
            certificate.current(), certificate.renewAt(), certificate.lastRotation()))
        .toList();
    return RotationReadiness.of(status.get(), served);
  }

  /** The short names the report has always used. */
  private static String nameOf(CertificateKind kind) {
    return kind == CertificateKind.VALIDATING_WEBHOOK ? "validatingWebhook" : "mutatingWebhook";
  }
}

package io.openservicemesh.health;

import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.health.RotationReadiness.ServedCertificate;
import io.openservicemesh.lifecycle.ControlPlane;
import io.openservicemesh.lifecycle.Rotation;
import io.openservicemesh.rotation.RotationJournal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
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
public class RotationHealthCheck implements HealthCheck {

  @Inject ControlPlane controlPlane;

  @Override
  public HealthCheckResponse call() {
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
    Optional<Rotation> rotation = controlPlane.rotation();
    Optional<ControlPlane.Certificates> certificates = controlPlane.certificates();
    if (rotation.isEmpty() || certificates.isEmpty()) {
      return RotationReadiness.notStarted();
    }
    CertificateCache manager = certificates.get().manager();
    RotationJournal journal = rotation.get().journal();
    List<ServedCertificate> served = List.of(
        served("mutatingWebhook", certificates.get().specs().mutatingWebhook(), manager, journal),
        served("validatingWebhook", certificates.get().specs().validatingWebhook(), manager, journal));
    return RotationReadiness.of(rotation.get().rotator().status(), served);
  }

  private static ServedCertificate served(
      String name, CertificateSpec spec, CertificateCache manager, RotationJournal journal) {
    CertificateKind kind = spec.kind();
    return new ServedCertificate(name, manager.cached(spec.commonName()),
        manager.scheduledRenewal(spec.commonName()), journal.last(kind));
  }
}

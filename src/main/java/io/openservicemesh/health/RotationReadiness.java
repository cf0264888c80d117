package io.openservicemesh.health;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.OverdueCertificate;
import io.openservicemesh.rotation.RotationJournal;
import io.openservicemesh.rotation.RotationStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The verdict and details of the {@code rotation} readiness check, from plain values (so it is tested without
 * a health runtime). DOWN exactly when some certificate is near or past expiry without a successor; the
 * details say which, and show the rotation's counters, its next renewal, and the control plane's own
 * serving certificates (serial, expiry, next renewal, last announced rotation).
 *
 * @param data values are {@link String} or {@link Long}
 */
record RotationReadiness(boolean up, Map<String, Object> data) {

  /** A certificate the control plane serves itself, under a short name such as {@code mutatingWebhook}. */
  record ServedCertificate(
      String name,
      Optional<Certificate> current,
      Optional<Instant> renewAt,
      Optional<RotationJournal.Received> lastRotation) {}

  static RotationReadiness notStarted() {
    return new RotationReadiness(true, Map.of("phase", "waiting for the certificate authority"));
  }

  static RotationReadiness of(RotationStatus status, List<ServedCertificate> served) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("phase", "rotating");
    status.lastPass().ifPresent(at -> data.put("lastPass", at.toString()));
    data.put("certificates", (long) status.cachedCertificates());
    data.put("renewals", status.renewals());
    data.put("renewalFailures", status.failures());
    data.put("renewalsInFlight", (long) status.renewalsInFlight());
    data.put("overdueTotal", status.overdueTotal());
    data.put("overdueNow", (long) status.overdue().count());
    status.nextRenewal().ifPresent(next -> {
      data.put("nextRenewalAt", next.at().toString());
      data.put("nextRenewalCommonName", next.commonName());
    });
    status.rootCaWarning().ifPresent(warning -> data.put("rootCaWarning", warning));
    status.lastRenewalFailure().ifPresent(failure -> data.put("lastRenewalFailure", failure));
    for (ServedCertificate certificate : served) {
      describe(certificate, data);
    }
    boolean up = status.overdue().count() == 0;
    if (!up) {
      data.put("reason", reason(status));
    }
    return new RotationReadiness(up, data);
  }

  private static String reason(RotationStatus status) {
    List<OverdueCertificate> listed = status.overdue().listed();
    String names = listed.stream()
        .map(late -> late.commonName() + " (" + late.kind() + ", NotAfter " + late.notAfter() + ", "
            + late.failedRenewals() + " failed renewal(s))")
        .collect(Collectors.joining(", "));
    int more = status.overdue().count() - listed.size();
    return status.overdue().count() + " certificate(s) near or past expiry without a successor: " + names
        + (more > 0 ? " and " + more + " more" : "");
  }

  private static void describe(ServedCertificate certificate, Map<String, Object> data) {
    String name = certificate.name();
    certificate.current().ifPresent(current -> {
      data.put(name + "Serial", current.serialHex());
      data.put(name + "NotAfter", current.notAfter().toString());
    });
    certificate.renewAt().ifPresent(at -> data.put(name + "RenewAt", at.toString()));
    certificate.lastRotation().ifPresent(received -> {
      data.put(name + "PreviousSerial", received.rotation().previous().serialHex());
      data.put(name + "PreviousNotAfter", received.rotation().previous().notAfter().toString());
      data.put(name + "AnnouncedSerial", received.rotation().current().serialHex());
      data.put(name + "RotationAnnouncedAt", received.receivedAt().toString());
    });
  }
}

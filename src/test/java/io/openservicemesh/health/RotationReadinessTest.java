package io.openservicemesh.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.OverdueCertificate;
import io.openservicemesh.certificate.OverdueReport;
import io.openservicemesh.certificate.ScheduledRenewal;
import io.openservicemesh.health.RotationReadiness.ServedCertificate;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.rotation.RotationJournal;
import io.openservicemesh.rotation.RotationStatus;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RotationReadinessTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private static RotationStatus status(OverdueReport overdue) {
    return status(overdue, Optional.empty());
  }

  private static RotationStatus status(OverdueReport overdue, Optional<String> lastRenewalFailure) {
    return new RotationStatus(Optional.of(NOW), 7, 2, 1, overdue,
        Optional.of(new ScheduledRenewal("a.ns.cluster.local", NOW.plusSeconds(30))), 12, 1, Optional.empty(),
        lastRenewalFailure);
  }

  @Test
  void theLatestRenewalFailureIsToldWhileItIsTheLatestOutcome() {
    String failure = NOW + " a.ns.cluster.local: Vault answered 503: Vault is sealed";

    assertThat(RotationReadiness.of(status(OverdueReport.NONE, Optional.of(failure)), List.of()).data())
        .containsEntry("lastRenewalFailure", failure);
    assertThat(RotationReadiness.of(status(OverdueReport.NONE), List.of()).data())
        .doesNotContainKey("lastRenewalFailure");
  }

  @Test
  void upWithTheCountersAndTheNextRenewalWhenNothingIsOverdue() {
    RotationReadiness readiness = RotationReadiness.of(status(OverdueReport.NONE), List.of());

    assertThat(readiness.up()).isTrue();
    assertThat(readiness.data())
        .containsEntry("renewals", 7L)
        .containsEntry("renewalFailures", 2L)
        .containsEntry("overdueTotal", 1L)
        .containsEntry("overdueNow", 0L)
        .containsEntry("certificates", 12L)
        .containsEntry("renewalsInFlight", 1L)
        .containsEntry("lastPass", NOW.toString())
        .containsEntry("nextRenewalAt", NOW.plusSeconds(30).toString())
        .containsEntry("nextRenewalCommonName", "a.ns.cluster.local")
        .doesNotContainKey("reason");
  }

  @Test
  void downNamingTheOverdueCertificates() {
    OverdueReport overdue = new OverdueReport(3, List.of(
        new OverdueCertificate("a.ns.cluster.local", CertificateKind.SERVICE, NOW.plusSeconds(60), 4),
        new OverdueCertificate("b.ns.cluster.local", CertificateKind.SERVICE, NOW.minusSeconds(5), 9)));

    RotationReadiness readiness = RotationReadiness.of(status(overdue), List.of());

    assertThat(readiness.up()).isFalse();
    assertThat(readiness.data().get("reason")).isEqualTo("3 certificate(s) near or past expiry without a"
        + " successor: a.ns.cluster.local (SERVICE, NotAfter " + NOW.plusSeconds(60) + ", 4 failed renewal(s)),"
        + " b.ns.cluster.local (SERVICE, NotAfter " + NOW.minusSeconds(5) + ", 9 failed renewal(s)) and 1 more");
    assertThat(readiness.data()).containsEntry("overdueNow", 3L);
  }

  @Test
  void describesTheControlPlanesOwnCertificatesAndTheirLastAnnouncedRotation() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    CertificateSpec spec = new CertificateSpec(CertificateKind.MUTATING_WEBHOOK, "osm-controller.osm.svc",
        List.of("osm-controller.osm.svc"), List.of(), Duration.ofHours(1), KeySpec.ECDSA_P256);
    Certificate previous = TestCa.fixedRootIssuer(clock).issue(spec);
    Certificate current = TestCa.fixedRootIssuer(clock).issue(spec);
    RotationJournal journal = new RotationJournal(clock);
    journal.accept(new CertificateRotated(spec.commonName(), spec.kind(), previous, current));

    RotationReadiness readiness = RotationReadiness.of(status(OverdueReport.NONE), List.of(
        new ServedCertificate("mutatingWebhook", Optional.of(current), Optional.of(NOW.plusSeconds(40)),
            journal.last(CertificateKind.MUTATING_WEBHOOK))));

    assertThat(readiness.data())
        .containsEntry("mutatingWebhookSerial", current.serialHex())
        .containsEntry("mutatingWebhookNotAfter", current.notAfter().toString())
        .containsEntry("mutatingWebhookRenewAt", NOW.plusSeconds(40).toString())
        .containsEntry("mutatingWebhookPreviousSerial", previous.serialHex())
        .containsEntry("mutatingWebhookPreviousNotAfter", previous.notAfter().toString())
        .containsEntry("mutatingWebhookAnnouncedSerial", current.serialHex())
        .containsEntry("mutatingWebhookRotationAnnouncedAt", NOW.toString());
  }

  @Test
  void upAndWaitingBeforeTheCertificateAuthorityIsReady() {
    assertThat(RotationReadiness.notStarted().up()).isTrue();
    assertThat(RotationReadiness.notStarted().data()).containsKey("phase");
  }
}

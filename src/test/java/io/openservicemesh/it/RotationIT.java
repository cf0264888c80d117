package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.it.ServerHealth.Report;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * In the running control plane, short-lived certificates (the webhooks' serving certificates live one minute
 * in the test server's configuration) are renewed before they expire, the renewal is announced to
 * subscribers, and the renewed certificate is the one the control plane hands out from then on. Observed
 * through the readiness details of the {@code rotation} check, as SDS and the webhooks are not served yet.
 */
class RotationIT {

  private static final String CHECK = "rotation";

  private final ServerHealth server = ServerHealth.ofProperty("it.http.port");

  @Test
  void aShortLivedCertificateIsRenewedBeforeExpiryAndTheRenewedOneIsWhatClientsGetNext() throws Exception {
    Report before = server.awaitReadiness(Report::up, Duration.ofMinutes(2));
    String firstSerial = before.data(CHECK, "mutatingWebhookSerial");
    Instant firstNotAfter = Instant.parse(before.data(CHECK, "mutatingWebhookNotAfter"));
    long renewalsBefore = Long.parseLong(before.data(CHECK, "renewals"));
    assertThat(firstSerial).isNotBlank();
    assertThat(Duration.between(Instant.now(), firstNotAfter))
        .as("the configured one-minute validity is in force").isLessThanOrEqualTo(Duration.ofMinutes(1));

    // Renewed ~20s into its life at the latest ~26s (plus a 5s pass): well within 90 seconds.
    Report after = server.awaitReadiness(r -> !firstSerial.equals(r.data(CHECK, "mutatingWebhookSerial"))
        && r.data(CHECK, "mutatingWebhookSerial").equals(r.data(CHECK, "mutatingWebhookAnnouncedSerial")),
        Duration.ofSeconds(90));

    String renewedSerial = after.data(CHECK, "mutatingWebhookSerial");
    assertThat(after.up()).as("readiness after the renewal").isTrue();
    assertThat(after.check(CHECK).orElseThrow().get("status").getAsString()).isEqualTo("UP");
    assertThat(Long.parseLong(after.data(CHECK, "renewals"))).isGreaterThan(renewalsBefore);
    assertThat(after.data(CHECK, "renewalFailures")).isEqualTo("0");
    assertThat(after.data(CHECK, "overdueNow")).isEqualTo("0");
    assertThat(Instant.parse(after.data(CHECK, "mutatingWebhookNotAfter"))).isAfter(firstNotAfter);
    // The announcement went from the certificate in service before to the one served now ...
    assertThat(after.data(CHECK, "mutatingWebhookPreviousSerial")).isNotEqualTo(renewedSerial);
    assertThat(after.data(CHECK, "mutatingWebhookAnnouncedSerial")).isEqualTo(renewedSerial);
    // ... and reached its subscriber before the previous certificate expired.
    assertThat(Instant.parse(after.data(CHECK, "mutatingWebhookRotationAnnouncedAt")))
        .isBefore(Instant.parse(after.data(CHECK, "mutatingWebhookPreviousNotAfter")));
    assertThat(Instant.parse(after.data(CHECK, "mutatingWebhookRenewAt")))
        .isBefore(Instant.parse(after.data(CHECK, "mutatingWebhookNotAfter")));
  }

  @Test
  void livenessFollowsTheRotationPasses() throws Exception {
    server.awaitReadiness(Report::up, Duration.ofMinutes(2));

    Report live = server.liveness();

    assertThat(live.up()).isTrue();
    Instant lastHeartbeat = Instant.parse(live.data("timers", "lastHeartbeat"));
    assertThat(Duration.between(lastHeartbeat, Instant.now()).abs()).isLessThan(Duration.ofSeconds(30));
    Report ready = server.readiness();
    assertThat(Instant.parse(ready.data(CHECK, "lastPass"))).isAfter(Instant.now().minusSeconds(30));
  }
}

package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.it.ServerHealth.Report;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * In the running control plane, short-lived certificates (the webhooks' serving certificates live one minute
 * in the test server's configuration) are renewed before they expire, the renewal is announced to
 * subscribers, and the renewed certificate is the one the control plane hands out from then on. Observed
 * through the readiness details of the {@code rotation} check, and on the control plane's own TLS endpoint,
 * which must present the renewed serving certificate.
 */
class RotationIT {

  private static final String CHECK = "rotation";

  private static final int HTTPS_PORT = Integer.getInteger("it.https.port");
  private static final int VALIDATOR_PORT = Integer.getInteger("it.validator.port");

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
  void theTlsEndpointPresentsTheRenewedServingCertificate() throws Exception {
    assertTheEndpointFollowsRotation(HTTPS_PORT, "mutatingWebhook", "CN=osm-controller.osm-it.svc,");
  }

  @Test
  void theValidatorsEndpointPresentsItsOwnCertificateWhichRotationRenewsToo() throws Exception {
    assertTheEndpointFollowsRotation(VALIDATOR_PORT, "validatingWebhook", "CN=osm-config-validator.osm-it.svc,");
  }

  private void assertTheEndpointFollowsRotation(int port, String certificate, String subjectStart) throws Exception {
    server.awaitReadiness(Report::up, Duration.ofMinutes(2));
    X509Certificate first = awaitServedCertificate(port, Duration.ofSeconds(30));
    assertThat(first.getSubjectX500Principal().getName()).startsWith(subjectStart);

    // The serving certificate lives one minute (plus the backdating) and is renewed every 20 s or so: a
    // certificate served later is a renewal only if the endpoint follows rotation, and it must be the one
    // rotation put in service (allowing for one renewal between the two reads).
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(90));
    while (true) {
      String before = server.readiness().data(CHECK, certificate + "Serial");
      X509Certificate served = servedCertificate(port);
      String after = server.readiness().data(CHECK, certificate + "Serial");
      String servedSerial = served.getSerialNumber().toString(16);
      if (!served.getSerialNumber().equals(first.getSerialNumber())
          && (servedSerial.equals(before) || servedSerial.equals(after))) {
        assertThat(served.getNotAfter().toInstant()).isAfter(first.getNotAfter().toInstant());
        assertThat(served.getSubjectX500Principal().getName()).startsWith(subjectStart);
        return;
      }
      assertThat(Instant.now()).as("port " + port + " still presents " + servedSerial + " (first " + first
          .getSerialNumber().toString(16) + "), rotation has " + after).isBefore(giveUp);
      Thread.sleep(500);
    }
  }

  /** The endpoint opens once the CA is up, shortly after readiness: polled, bounded. */
  private X509Certificate awaitServedCertificate(int port, Duration deadline) throws Exception {
    Instant giveUp = Instant.now().plus(deadline);
    while (true) {
      try {
        return servedCertificate(port);
      } catch (IOException notOpenYet) {
        assertThat(Instant.now()).as("the TLS endpoint opens: " + notOpenYet).isBefore(giveUp);
        Thread.sleep(250);
      }
    }
  }

  /**
   * The leaf a TLS port presents. The handshake accepts any chain because it only observes what is
   * served; which CA signed it is the business of other tests.
   */
  private static X509Certificate servedCertificate(int port) throws Exception {
    X509Certificate[] presented = new X509Certificate[1];
    X509TrustManager observer = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("client side only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        presented[0] = chain[0];
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {observer}, null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
    }
    return presented[0];
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

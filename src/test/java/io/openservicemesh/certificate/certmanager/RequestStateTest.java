package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.JSON;
import io.openservicemesh.certificate.certmanager.RequestState.Issued;
import io.openservicemesh.certificate.certmanager.RequestState.Pending;
import io.openservicemesh.certificate.certmanager.RequestState.Refused;
import io.openservicemesh.certificate.certmanager.RequestState.Refusal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The reading of a CertificateRequest's status, on statuses shaped as cert-manager writes them (its API
 * reference: conditions Approved, Denied, InvalidRequest, Ready with reasons Pending, Issued, Failed, Denied),
 * parsed from JSON the way the Kubernetes client parses them.
 */
class RequestStateTest {

  private static final String CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final String CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n";

  private static RequestState stateOf(String statusJson) {
    String json = "{\"apiVersion\":\"cert-manager.io/v1\",\"kind\":\"CertificateRequest\","
        + "\"metadata\":{\"name\":\"osm-x7k2p\",\"namespace\":\"osm-system\"},\"status\":" + statusJson + "}";
    CertificateRequestResource request = JSON.deserialize(json, CertificateRequestResource.class);
    return RequestState.of(request.statusOrEmpty());
  }

  private static String condition(String type, String status, String reason, String message) {
    return "{\"type\":\"" + type + "\",\"status\":\"" + status + "\",\"reason\":\"" + reason + "\",\"message\":\""
        + message + "\",\"lastTransitionTime\":\"2026-11-28T10:00:00Z\"}";
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aFreshRequestIsPending() {
    assertThat(stateOf("{}")).isEqualTo(new Pending("no conditions yet"));
  }

  @Test
  void aRequestWithoutStatusIsPending() {
    CertificateRequestResource request = JSON.deserialize(
        "{\"metadata\":{\"name\":\"osm-1\"}}", CertificateRequestResource.class);
    assertThat(RequestState.of(request.statusOrEmpty())).isInstanceOf(Pending.class);
  }

  @Test
  void approvedButNotSignedIsPendingAndSaysSo() {
    RequestState state = stateOf("{\"conditions\":["
        + condition("Approved", "True", "cert-manager.io", "Certificate request has been approved by cert-manager.io")
        + "," + condition("Ready", "False", "Pending", "Waiting on certificate issuance from order") + "]}");

    assertThat(state).isEqualTo(new Pending("Approved=True (cert-manager.io: Certificate request has been approved"
        + " by cert-manager.io), Ready=False (Pending: Waiting on certificate issuance from order)"));
  }

  @Test
  void readyTrueWithACertificateIsIssuedWithCertificateAndCa() {
    RequestState state = stateOf("{\"conditions\":["
        + condition("Approved", "True", "cert-manager.io", "approved") + ","
        + condition("Ready", "True", "Issued", "Certificate fetched from issuer successfully") + "],"
        + "\"certificate\":\"" + base64(CERT_PEM) + "\",\"ca\":\"" + base64(CA_PEM) + "\"}");

    assertThat(state).isInstanceOf(Issued.class);
    assertThat(((Issued) state).certificatePem()).isEqualTo(CERT_PEM);
    assertThat(((Issued) state).caPem()).contains(CA_PEM);
  }

  @Test
  void theCaIsOptional() {
    RequestState state = stateOf("{\"conditions\":[" + condition("Ready", "True", "Issued", "ok") + "],"
        + "\"certificate\":\"" + base64(CERT_PEM) + "\"}");

    assertThat(((Issued) state).caPem()).isEmpty();
  }

  @Test
  void deniedIsFinalAndNotRetryableWithTheApproversReason() {
    RequestState state = stateOf("{\"conditions\":["
        + condition("Denied", "True", "policy.cert-manager.io", "No policy approved this request") + ","
        + condition("Ready", "False", "Denied", "The CertificateRequest was denied by an approval controller")
        + "],\"failureTime\":\"2026-11-28T10:00:01Z\"}");

    assertThat(state).isEqualTo(
        new Refused(Refusal.DENIED, "policy.cert-manager.io", "No policy approved this request", false));
  }

  @Test
  void deniedIsSeenBeforeReadyIsWritten() {
    RequestState state = stateOf("{\"conditions\":["
        + condition("Denied", "True", "policy.cert-manager.io", "No policy approved this request") + "]}");

    assertThat(state).isInstanceOf(Refused.class);
    assertThat(((Refused) state).kind()).isEqualTo(Refusal.DENIED);
  }

  @Test
  void readyFalseWithReasonDeniedAloneIsDenied() {
    RequestState state = stateOf("{\"conditions\":["
        + condition("Ready", "False", "Denied", "The CertificateRequest was denied by an approval controller")
        + "]}");

    assertThat(state).isEqualTo(new Refused(Refusal.DENIED, "Denied",
        "The CertificateRequest was denied by an approval controller", false));
  }

  @Test
  void failedIsFinalButANewRequestMaySucceed() {
    RequestState state = stateOf("{\"conditions\":["
        + condition("Approved", "True", "cert-manager.io", "approved") + ","
        + condition("Ready", "False", "Failed", "Error getting keypair for CA issuer: secret not found")
        + "],\"failureTime\":\"2026-11-28T10:00:01Z\"}");

    assertThat(state).isEqualTo(new Refused(Refusal.FAILED, "Failed",
        "Error getting keypair for CA issuer: secret not found", true));
  }

  @Test
  void anInvalidRequestIsNotRetryable() {
    RequestState state = stateOf("{\"conditions\":["
        + condition("InvalidRequest", "True", "BadConfig", "duration is shorter than the issuer's minimum") + ","
        + condition("Ready", "False", "Failed", "The request is invalid") + "]}");

    assertThat(state).isEqualTo(new Refused(Refusal.INVALID, "BadConfig",
        "duration is shorter than the issuer's minimum", false));
  }

  @Test
  void readyWithoutCertificateIsAFailureNotAnEndlessWait() {
    RequestState state = stateOf("{\"conditions\":[" + condition("Ready", "True", "Issued", "ok") + "]}");

    assertThat(state).isInstanceOf(Refused.class);
    assertThat(((Refused) state).kind()).isEqualTo(Refusal.READY_WITHOUT_CERTIFICATE);
    assertThat(((Refused) state).retryable()).isTrue();
  }

  @Test
  void aCertificateThatIsNotBase64IsAFailureNotACrash() {
    RequestState state = stateOf("{\"conditions\":[" + condition("Ready", "True", "Issued", "ok") + "],"
        + "\"certificate\":\"-----BEGIN CERTIFICATE-----\"}");

    assertThat(state).isInstanceOf(Refused.class);
    assertThat(((Refused) state).kind()).isEqualTo(Refusal.MALFORMED);
    assertThat(((Refused) state).retryable()).isFalse();
  }

  @Test
  void aFailureTimeWithoutConditionsStillEndsTheWait() {
    RequestState state = stateOf("{\"failureTime\":\"2026-11-28T10:00:01Z\"}");

    assertThat(state).isInstanceOf(Refused.class);
    assertThat(((Refused) state).kind()).isEqualTo(Refusal.FAILED);
  }

  @Test
  void readyUnknownAndOtherReasonsKeepWaiting() {
    assertThat(stateOf("{\"conditions\":[" + condition("Ready", "Unknown", "Pending", "queued") + "]}"))
        .isInstanceOf(Pending.class);
    assertThat(stateOf("{\"conditions\":[" + condition("Ready", "False", "Pending", "waiting") + "]}"))
        .isInstanceOf(Pending.class);
  }

  @Test
  void deniedWinsOverAStaleReady() {
    // Conditions Approved and Denied never change once set; Denied decides whatever Ready still says.
    RequestState state = stateOf("{\"conditions\":["
        + condition("Ready", "False", "Pending", "waiting") + ","
        + condition("Denied", "True", "ops", "manually denied") + "]}");

    assertThat(state).isEqualTo(new Refused(Refusal.DENIED, "ops", "manually denied", false));
  }
}

package io.openservicemesh.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.testing.ClientCertificates;
import io.openservicemesh.testing.ClientCertificates.Issued;
import io.openservicemesh.testing.MutableClock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server's client certificate as the webhooks judge it: real chains, signatures and clocks. */
class WebhookCallerVerifierTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static ClientCertificates clientCa;
  private static ClientCertificates otherCa;
  private static Issued apiServer;

  private final MutableClock clock = new MutableClock(NOW);

  @BeforeAll
  static void certificates() throws Exception {
    clientCa = ClientCertificates.newCa("front-proxy-ca", NOW.minus(Duration.ofDays(30)));
    otherCa = ClientCertificates.newCa("front-proxy-ca", NOW.minus(Duration.ofDays(30)));
    apiServer = clientCa.client("kube-apiserver-webhook-client", List.of("apiserver.example.com"),
        NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
  }

  private WebhookCallerVerifier verifier(List<String> names) {
    return new WebhookCallerVerifier(List.of(clientCa.caCertificate()), names, clock);
  }

  @Test
  void theApiServersCertificateIsAccepted() {
    assertThat(verifier(List.of()).verify(new X509Certificate[] {apiServer.certificate()}).accepted()).isTrue();
    // Sent with its CA, as clients may send their chain.
    assertThat(verifier(List.of()).verify(new X509Certificate[] {apiServer.certificate(), clientCa.caCertificate()})
        .accepted()).isTrue();
  }

  @Test
  void anAllowedNameMatchesTheCommonNameOrADnsNameInAnyCase() {
    X509Certificate[] chain = {apiServer.certificate()};

    assertThat(verifier(List.of("kube-apiserver-webhook-client")).verify(chain).accepted()).isTrue();
    assertThat(verifier(List.of("other", "APIServer.example.com")).verify(chain).accepted()).isTrue();
  }

  @Test
  void noCertificateIs401SayingWhatToConfigure() {
    WebhookCallerVerifier.Verdict verdict = verifier(List.of()).verify(null);

    assertThat(verdict.status()).isEqualTo(401);
    assertThat(verdict.reason()).isEqualTo("the admission webhooks require a client certificate signed by the CA"
        + " of OpenServiceMesh.webhook.clientCaFile, and none was presented: give the API server one through the"
        + " kubeconfig of its AdmissionConfiguration (client-certificate and client-key)");
    assertThat(verifier(List.of()).verify(new X509Certificate[0]).status()).isEqualTo(401);
  }

  @Test
  void aCertificateOfAnotherCaIs401EvenWithTheSameIssuerName() throws Exception {
    Issued impostor = otherCa.client("kube-apiserver-webhook-client", List.of(), NOW.minus(Duration.ofDays(1)),
        Duration.ofDays(365));

    WebhookCallerVerifier.Verdict verdict = verifier(List.of()).verify(new X509Certificate[] {impostor.certificate()});

    assertThat(verdict.status()).isEqualTo(401);
    assertThat(verdict.reason()).startsWith("the client certificate \"CN=kube-apiserver-webhook-client\" is not"
        + " signed by a CA of OpenServiceMesh.webhook.clientCaFile (");
  }

  @Test
  void aChainClaimingTheCaWithoutItsSignatureIs401() throws Exception {
    Issued impostor = otherCa.client("kube-apiserver-webhook-client", List.of(), NOW.minus(Duration.ofDays(1)),
        Duration.ofDays(365));

    assertThat(verifier(List.of()).verify(new X509Certificate[] {impostor.certificate(), clientCa.caCertificate()})
        .status()).isEqualTo(401);
  }

  @Test
  void anExpiredOrNotYetValidCertificateIs401WithItsValidity() {
    X509Certificate[] chain = {apiServer.certificate()};
    clock.set(NOW.plus(Duration.ofDays(400)));

    WebhookCallerVerifier.Verdict expired = verifier(List.of()).verify(chain);

    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.reason()).isEqualTo("the client certificate \"CN=kube-apiserver-webhook-client\" has expired"
        + " (valid until " + apiServer.certificate().getNotAfter().toInstant() + ", now " + clock.instant() + ")");

    clock.set(NOW.minus(Duration.ofDays(2)));
    WebhookCallerVerifier.Verdict early = verifier(List.of()).verify(chain);
    assertThat(early.status()).isEqualTo(401);
    assertThat(early.reason()).contains("is not valid yet");
  }

  @Test
  void aNameNotAllowedIs403ListingTheCertificatesNamesAndTheAllowedOnes() {
    WebhookCallerVerifier.Verdict verdict = verifier(List.of("system:kube-apiserver"))
        .verify(new X509Certificate[] {apiServer.certificate()});

    assertThat(verdict.status()).isEqualTo(403);
    assertThat(verdict.reason()).isEqualTo("the client certificate \"CN=kube-apiserver-webhook-client\" names"
        + " kube-apiserver-webhook-client, apiserver.example.com, none of OpenServiceMesh.webhook.clientNames"
        + " [system:kube-apiserver]");
  }

  @Test
  void aServerOnlyCertificateIs403() throws Exception {
    Issued serving = clientCa.leaf("kube-apiserver-webhook-client", List.of(), NOW.minus(Duration.ofDays(1)),
        Duration.ofDays(365), KeyPurposeId.id_kp_serverAuth);

    WebhookCallerVerifier.Verdict verdict = verifier(List.of()).verify(new X509Certificate[] {serving.certificate()});

    assertThat(verdict.status()).isEqualTo(403);
    assertThat(verdict.reason()).contains("is not meant for TLS client authentication");
  }
}

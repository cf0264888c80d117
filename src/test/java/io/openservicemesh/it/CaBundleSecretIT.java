package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.identity.CertificateNames;
import io.openservicemesh.certificate.Crypto;
import io.openservicemesh.certificate.Pem;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control plane under test made its root CA in the OSM namespace's Secret, in OSM's exact shape. */
class CaBundleSecretIT {

  private static ServerHealth.Report ready;
  private static V1Secret secret;

  @BeforeAll
  static void controlPlaneIsReady() throws Exception {
    ready = ServerHealth.ofProperty("it.http.port").awaitReadiness(ServerHealth.Report::up, Duration.ofMinutes(2));
    secret = TestCluster.core().readNamespacedSecret(TestCluster.CA_SECRET, TestCluster.OSM_NAMESPACE).execute();
  }

  @Test
  void aSecretDeletedWhileTheControlPlaneRunsIsWrittenBackWithTheSameRoot() throws Exception {
    CoreV1Api api = TestCluster.core();
    api.deleteNamespacedSecret(TestCluster.CA_SECRET, TestCluster.OSM_NAMESPACE).execute();

    // The control plane looks every 30 s (its issuer upkeep ticks every 5 s).
    V1Secret back = null;
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(75));
    while (back == null && Instant.now().isBefore(giveUp)) {
      try {
        back = api.readNamespacedSecret(TestCluster.CA_SECRET, TestCluster.OSM_NAMESPACE).execute();
      } catch (ApiException e) {
        assertThat(e.getCode()).isEqualTo(404);
        Thread.sleep(500);
      }
    }

    assertThat(back).as("the CA Secret was written back").isNotNull();
    assertThat(back.getData().get("ca.crt")).isEqualTo(secret.getData().get("ca.crt"));
    assertThat(back.getData().get("private.key")).isEqualTo(secret.getData().get("private.key"));
    assertThat(back.getData()).containsOnlyKeys("ca.crt", "private.key", "expiration");
  }

  @Test
  void secretHasExactlyTheOsmShape() {
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "private.key", "expiration");
    assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "openservicemesh.io");
  }

  @Test
  void caCertificateIsTheMeshRoot() throws Exception {
    X509Certificate ca = Pem.decodeCertificate(text("ca.crt"));
    assertThat(CertificateNames.commonName(ca)).isEqualTo("osm-ca.openservicemesh.io");
    assertThat(ca.getSubjectX500Principal().getName()).contains("O=Open Service Mesh");
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    ca.verify(ca.getPublicKey());
    assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
        .isGreaterThanOrEqualTo(Duration.ofDays(3650));
  }

  @Test
  void expirationIsTheCertificatesNotAfterInOsmFormat() throws Exception {
    X509Certificate ca = Pem.decodeCertificate(text("ca.crt"));
    String expected = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC).format(ca.getNotAfter().toInstant());
    assertThat(text("expiration")).isEqualTo(expected);
  }

  @Test
  void privateKeyIsPkcs8AndBelongsToTheCertificate() throws Exception {
    String keyPem = text("private.key");
    assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----");
    PrivateKey key = Pem.decodePrivateKey(keyPem);
    X509Certificate ca = Pem.decodeCertificate(text("ca.crt"));
    byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA", Crypto.PROVIDER);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA", Crypto.PROVIDER);
    verifier.initVerify(ca.getPublicKey());
    verifier.update(probe);
    assertThat(verifier.verify(signature)).as("private.key signs what ca.crt verifies").isTrue();
  }

  @Test
  void readinessReportsTheCaTheSecretHolds() throws Exception {
    X509Certificate ca = Pem.decodeCertificate(text("ca.crt"));
    assertThat(ready.data("certificate-authority", "caSerial")).isEqualTo(ca.getSerialNumber().toString(16));
    assertThat(ready.data("certificate-authority", "caLocation"))
        .isEqualTo("Secret " + TestCluster.OSM_NAMESPACE + "/" + TestCluster.CA_SECRET);
  }

  @Test
  void theSecretCarriesANormalEventNamingTheRoot() throws Exception {
    X509Certificate ca = Pem.decodeCertificate(text("ca.crt"));

    // Created on a fresh namespace; loaded when the test cluster kept the Secret of an earlier run.
    CoreV1Event event = ClusterEvents.await(TestCluster.OSM_NAMESPACE, "Secret", TestCluster.CA_SECRET,
        List.of("CaCreated", "CaLoaded"), Duration.ofSeconds(30));

    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getReportingComponent()).isEqualTo("osm-controller");
    assertThat(event.getReportingInstance()).isEqualTo("osm-it-controller");
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("v1");
    assertThat(event.getCount()).isEqualTo(1);
    assertThat(event.getMessage()).contains("root CA", ca.getSerialNumber().toString(16))
        .doesNotContain("PRIVATE KEY");
  }

  /**
   * The server under test runs with the default {@code OpenServiceMesh.cryptoProvider=auto} on Linux x86_64, so the
   * native provider must load inside Liberty (its jar in the WAR, its library unpacked into java.io.tmpdir) and
   * have made this root; readiness says which provider is in use and that nothing fell back.
   */
  @Test
  void readinessNamesTheNativeCryptoProviderThatMadeTheRoot() throws Exception {
    assertThat(ready.data("certificate-authority", "cryptoProvider")).isEqualTo("accp");
    assertThat(ready.data("certificate-authority", "cryptoProviderImplementation"))
        .isEqualTo("AmazonCorrettoCryptoProvider 2.4.1");
    assertThat(ready.data("certificate-authority", "cryptoProviderSetting")).isEqualTo("auto");
    assertThat(ready.data("certificate-authority", "cryptoProviderFallback")).isNull();
  }

  private static String text(String key) {
    Map<String, byte[]> data = secret.getData();
    return new String(data.get(key), StandardCharsets.UTF_8);
  }
}

package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionsTest {

  private static final String SERVICE_CERT = "service-cert:bookstore/bookbuyer";
  private static final String INBOUND = "root-cert-for-mtls-inbound:bookstore/bookbuyer";
  private static final String OUTBOUND = "root-cert-for-mtls-outbound:bookstore/bookstore";
  private static final Certificate CERTIFICATE = TestCa.issuer().issue(
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256)
          .service(new ServiceIdentity("bookbuyer", "bookstore")));
  private static final List<ServiceIdentity> UPSTREAMS = List.of(new ServiceIdentity("bookstore", "bookstore"));

  @Test
  void sameContentHasTheSameVersion() {
    // Built twice, as two replicas or two connections would: equal content, equal version.
    assertThat(Versions.of(serviceSecret(CERTIFICATE.certificateChainPem(), CERTIFICATE.privateKeyPem())))
        .isEqualTo(Versions.of(serviceSecret(CERTIFICATE.certificateChainPem(), CERTIFICATE.privateKeyPem())));
    assertThat(Versions.of(List.of(inbound(TestCa.ecRootPem()), outbound(TestCa.ecRootPem(), UPSTREAMS))))
        .isEqualTo(Versions.of(List.of(inbound(TestCa.ecRootPem()), outbound(TestCa.ecRootPem(), UPSTREAMS))));
  }

  @Test
  void versionIsShortHex() {
    assertThat(Versions.of(inbound(TestCa.ecRootPem()))).matches("[0-9a-f]{16}");
    assertThat(Versions.of(List.of(inbound(TestCa.ecRootPem())))).matches("[0-9a-f]{16}");
  }

  @Test
  void anyChangeOfTheKeyChangesTheVersion() {
    String key = CERTIFICATE.privateKeyPem();
    Secret original = serviceSecret(CERTIFICATE.certificateChainPem(), key);

    assertThat(Versions.of(serviceSecret(CERTIFICATE.certificateChainPem(), flipOneCharacter(key))))
        .isNotEqualTo(Versions.of(original));
  }

  @Test
  void anyChangeOfTheChainChangesTheVersion() {
    String chain = CERTIFICATE.certificateChainPem();
    Secret original = serviceSecret(chain, CERTIFICATE.privateKeyPem());

    assertThat(Versions.of(serviceSecret(flipOneCharacter(chain), CERTIFICATE.privateKeyPem())))
        .isNotEqualTo(Versions.of(original));
  }

  @Test
  void renewedCertificateChangesTheVersion() {
    Certificate renewed = TestCa.issuer().issue(
        new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256)
            .service(new ServiceIdentity("bookbuyer", "bookstore")));

    assertThat(Versions.of(SecretBuilder.serviceCertificate(SERVICE_CERT, renewed)))
        .isNotEqualTo(Versions.of(SecretBuilder.serviceCertificate(SERVICE_CERT, CERTIFICATE)));
  }

  @Test
  void anyChangeOfTheRootsChangesTheVersion() {
    String roots = TestCa.ecRootPem();

    assertThat(Versions.of(inbound(flipOneCharacter(roots)))).isNotEqualTo(Versions.of(inbound(roots)));
    assertThat(Versions.of(outbound(flipOneCharacter(roots), UPSTREAMS))).isNotEqualTo(Versions.of(outbound(roots, UPSTREAMS)));
    // A second root during rotation.
    assertThat(Versions.of(inbound(roots + roots))).isNotEqualTo(Versions.of(inbound(roots)));
  }

  @Test
  void anyChangeOfTheUpstreamIdentitiesChangesTheVersion() {
    String roots = TestCa.ecRootPem();
    String before = Versions.of(outbound(roots, UPSTREAMS));

    assertThat(Versions.of(outbound(roots, List.of(new ServiceIdentity("bookstorf", "bookstore"))))).isNotEqualTo(before);
    assertThat(Versions.of(outbound(roots, List.of(new ServiceIdentity("bookstore", "bookstore"),
        new ServiceIdentity("bookstore-v2", "bookstore"))))).isNotEqualTo(before);
    assertThat(Versions.of(outbound(roots, List.of()))).isNotEqualTo(before);
  }

  @Test
  void setVersionChangesWhenOneSecretChanges() {
    String roots = TestCa.ecRootPem();
    Secret service = SecretBuilder.serviceCertificate(SERVICE_CERT, CERTIFICATE);

    assertThat(Versions.of(List.of(service, inbound(flipOneCharacter(roots)))))
        .isNotEqualTo(Versions.of(List.of(service, inbound(roots))));
  }

  @Test
  void orderOfTheSecretsMattersForTheSetVersion() {
    Secret inbound = inbound(TestCa.ecRootPem());
    Secret outbound = outbound(TestCa.ecRootPem(), UPSTREAMS);

    assertThat(Versions.of(List.of(inbound, outbound))).isNotEqualTo(Versions.of(List.of(outbound, inbound)));
  }

  @Test
  void setVersionDependsOnWhichSecretsAreInIt() {
    Secret inbound = inbound(TestCa.ecRootPem());
    Secret outbound = outbound(TestCa.ecRootPem(), UPSTREAMS);

    assertThat(Versions.of(List.of(inbound))).isNotEqualTo(Versions.of(List.of(inbound, outbound)));
    assertThat(Versions.of(List.of())).isNotEqualTo(Versions.of(List.of(inbound)));
  }

  /** The service certificate secret with the given PEM text in place of the real chain and key. */
  private static Secret serviceSecret(String chain, String key) {
    Secret real = SecretBuilder.serviceCertificate(SERVICE_CERT, CERTIFICATE);
    return real.toBuilder()
        .setTlsCertificate(real.getTlsCertificate().toBuilder()
            .setCertificateChain(inline(chain))
            .setPrivateKey(inline(key)))
        .build();
  }

  private static DataSource inline(String text) {
    return DataSource.newBuilder().setInlineString(text).build();
  }

  private static Secret inbound(String roots) {
    return SecretBuilder.inboundValidation(INBOUND, roots);
  }

  private static Secret outbound(String roots, List<ServiceIdentity> upstreams) {
    return SecretBuilder.outboundValidation(OUTBOUND, roots, upstreams, "cluster.local");
  }

  /** The text with one character in the middle of its base64 changed. */
  private static String flipOneCharacter(String pem) {
    int middle = pem.length() / 2;
    while (!Character.isLetterOrDigit(pem.charAt(middle))) {
      middle++;
    }
    char replacement = pem.charAt(middle) == 'A' ? 'B' : 'A';
    return pem.substring(0, middle) + replacement + pem.substring(middle + 1);
  }
}

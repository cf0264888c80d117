package io.openservicemesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.testing.TestCa;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Identities read from real certificates signed by the test root, shaped as the mesh shapes them. */
class ProxyCertificatesTest {

  private static final String TRUST_DOMAIN = "cluster.local";
  private static final UUID UUID_1 = UUID.fromString("3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41");
  private static final UUID UUID_2 = UUID.fromString("8d2b4a1f-0c3e-4f5a-b6c7-d8e9f0a1b2c3");
  private static final ProxyIdentity BOOKBUYER = new ProxyIdentity(UUID_1, new ServiceIdentity("bookbuyer", "bookstore"));

  private static final TresorIssuer ISSUER = TestCa.issuer();
  private static final MeshCertificateSpecs SPECS =
      new MeshCertificateSpecs(TRUST_DOMAIN, "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);

  @Test
  void bootstrapCertificateNamesItsProxyByUriAndCommonNameAlike() {
    X509Certificate certificate = issue(SPECS.xdsBootstrap(BOOKBUYER));

    assertThat(ProxyCertificates.fromSpiffeUri(certificate, TRUST_DOMAIN)).contains(BOOKBUYER);
    assertThat(ProxyCertificates.fromCommonName(BOOKBUYER.commonName())).contains(BOOKBUYER);
    assertThat(ProxyCertificates.identityOf(certificate, TRUST_DOMAIN)).isEqualTo(BOOKBUYER);
  }

  @Test
  void serviceAccountWithDotsIsReadWhole() {
    ProxyIdentity dotted = new ProxyIdentity(UUID_1, new ServiceIdentity("team.a.bookbuyer", "shop"));
    X509Certificate certificate = issue(SPECS.xdsBootstrap(dotted));

    assertThat(ProxyCertificates.fromCommonName(dotted.commonName())).contains(dotted);
    assertThat(ProxyCertificates.identityOf(certificate, TRUST_DOMAIN)).isEqualTo(dotted);
  }

  @Test
  void certificateWithOnlyACommonNameIsReadFromIt() throws Exception {
    X509Certificate certificate = issue(bootstrapSpec(BOOKBUYER.commonName(), List.of()));

    assertThat(certificate.getSubjectAlternativeNames()).noneMatch(san -> (Integer) san.get(0) == 6);
    assertThat(ProxyCertificates.identityOf(certificate, TRUST_DOMAIN)).isEqualTo(BOOKBUYER);
  }

  @Test
  void uriAndCommonNameNamingDifferentProxiesAreRefused() {
    ProxyIdentity other = new ProxyIdentity(UUID_2, BOOKBUYER.service());
    X509Certificate certificate = issue(bootstrapSpec(
        BOOKBUYER.commonName(), List.of(URI.create(other.spiffeId(TRUST_DOMAIN)))));

    assertThatThrownBy(() -> ProxyCertificates.identityOf(certificate, TRUST_DOMAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SPIFFE URI and common name name different proxies");
  }

  @Test
  void uriAndCommonNameDifferingOnlyInServiceAccountAreRefused() {
    ProxyIdentity other = new ProxyIdentity(UUID_1, new ServiceIdentity("bookthief", "bookstore"));
    X509Certificate certificate = issue(bootstrapSpec(
        BOOKBUYER.commonName(), List.of(URI.create(other.spiffeId(TRUST_DOMAIN)))));

    assertThatThrownBy(() -> ProxyCertificates.identityOf(certificate, TRUST_DOMAIN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serviceCertificateIsNotABootstrapCertificate() {
    X509Certificate certificate = issue(SPECS.service(BOOKBUYER.service()));

    assertThatThrownBy(() -> ProxyCertificates.identityOf(certificate, TRUST_DOMAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an xDS bootstrap certificate")
        .hasMessageContaining("spiffe://cluster.local/ns/<ns>/sa/<sa>/proxy/<uuid>")
        .hasMessageContaining("got CN \"bookbuyer.bookstore.cluster.local\"");
  }

  /**
   * A service account may be named like a UUID (it is a valid DNS subdomain). Its service certificate's common
   * name {@code <uuid>.<ns>.<trust-domain>} then has the shape of a bootstrap common name, and must still not
   * be taken for one: its SPIFFE URI says it is a service certificate.
   */
  @Test
  void serviceCertificateOfAUuidNamedServiceAccountIsNotABootstrapCertificate() {
    ServiceIdentity uuidNamed = new ServiceIdentity(UUID_1.toString(), "shop");
    X509Certificate certificate = issue(SPECS.service(uuidNamed));

    assertThatThrownBy(() -> ProxyCertificates.identityOf(certificate, TRUST_DOMAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an xDS bootstrap certificate");
  }

  @Test
  void uriOfAnotherTrustDomainIsIgnored() {
    ProxyIdentity other = new ProxyIdentity(UUID_2, new ServiceIdentity("bookthief", "elsewhere"));
    X509Certificate certificate = issue(bootstrapSpec(
        BOOKBUYER.commonName(), List.of(URI.create(other.spiffeId("other.mesh")))));

    assertThat(ProxyCertificates.fromSpiffeUri(certificate, TRUST_DOMAIN)).isEmpty();
    assertThat(ProxyCertificates.identityOf(certificate, TRUST_DOMAIN)).isEqualTo(BOOKBUYER);
  }

  @Test
  void bootstrapCertificateOfAnotherTrustDomainIsReadOnlyByItsCommonName() {
    MeshCertificateSpecs otherMesh =
        new MeshCertificateSpecs("other.mesh", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);
    X509Certificate certificate = issue(otherMesh.xdsBootstrap(BOOKBUYER));

    assertThat(ProxyCertificates.fromSpiffeUri(certificate, TRUST_DOMAIN)).isEmpty();
    assertThat(ProxyCertificates.fromSpiffeUri(certificate, "other.mesh")).contains(BOOKBUYER);
  }

  @Test
  void trustDomainIsMatchedLiterallyNotAsAPattern() {
    X509Certificate certificate = issue(bootstrapSpec(
        "not-a-proxy", List.of(URI.create(BOOKBUYER.spiffeId("clusterxlocal")))));

    assertThat(ProxyCertificates.fromSpiffeUri(certificate, TRUST_DOMAIN)).isEmpty();
  }

  @Test
  void certificateNamingNoProxyIsRefused() {
    X509Certificate certificate = issue(bootstrapSpec(
        "osm-controller.osm-system.svc", List.of(URI.create("spiffe://cluster.local/ns/bookstore/sa/bookbuyer"))));

    assertThatThrownBy(() -> ProxyCertificates.identityOf(certificate, TRUST_DOMAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an xDS bootstrap certificate")
        .hasMessageContaining("got CN \"osm-controller.osm-system.svc\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "3C1A3F0E-6F5E-4C1B-9A8E-2B7D5F0C9E41.bookbuyer.bookstore", // not the canonical lowercase form
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e4.bookbuyer.bookstore", // 35 characters
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e411.bookbuyer.bookstore", // 37 characters
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9eg1.bookbuyer.bookstore", // not hex
      "3c1a3f0e6-f5e-4c1b-9a8e-2b7d5f0c9e41.bookbuyer.bookstore", // dashes misplaced
      "3c1a3f0e-6f5e-4c1b-9a8e+2b7d5f0c9e41.bookbuyer.bookstore",
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41.bookstore", // no service account
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41..bookstore", // empty service account
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41.bookbuyer.", // empty namespace
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41.BookBuyer.bookstore", // not a DNS name
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41.bookbuyer.Bookstore",
      "3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41",
      "bookbuyer.bookstore.cluster.local",
      ""})
  void commonNameWithoutAWellFormedProxyIsNotAProxy(String commonName) {
    assertThat(ProxyCertificates.fromCommonName(commonName)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "spiffe://cluster.local/ns/bookstore/sa/bookbuyer/proxy/3C1A3F0E-6F5E-4C1B-9A8E-2B7D5F0C9E41",
      "spiffe://cluster.local/ns/bookstore/sa/bookbuyer/proxy/3c1a3f0e6-f5e-4c1b-9a8e-2b7d5f0c9e41",
      "spiffe://cluster.local/ns/bookstore/sa/bookbuyer/proxy/3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e4",
      "spiffe://cluster.local/ns/bookstore/sa/bookbuyer/proxy/------------------------------------",
      "spiffe://cluster.local/ns/bookstore/sa/bookbuyer/proxy/3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41/x",
      "spiffe://cluster.local/ns/Bookstore/sa/bookbuyer/proxy/3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41",
      "spiffe://cluster.local/ns/bookstore/sa/bookbuyer"})
  void malformedProxyUriIsNotAProxy(String uri) {
    X509Certificate certificate = issue(bootstrapSpec("not-a-proxy", List.of(URI.create(uri))));

    assertThat(ProxyCertificates.fromSpiffeUri(certificate, TRUST_DOMAIN)).isEmpty();
    assertThatThrownBy(() -> ProxyCertificates.identityOf(certificate, TRUST_DOMAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an xDS bootstrap certificate");
  }

  private static CertificateSpec bootstrapSpec(String commonName, List<URI> uris) {
    return new CertificateSpec(CertificateKind.XDS_BOOTSTRAP, commonName, List.of(commonName), uris,
        Duration.ofHours(1), KeySpec.ECDSA_P256);
  }

  private static X509Certificate issue(CertificateSpec spec) {
    return ISSUER.issue(spec).leaf();
  }
}

package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretBuilderTest {

  private static final String TRUST_DOMAIN = "cluster.local";
  private static final ServiceIdentity BOOKBUYER = new ServiceIdentity("bookbuyer", "bookstore");
  private static final Certificate BOOKBUYER_CERTIFICATE = TestCa.issuer().issue(
      new MeshCertificateSpecs(TRUST_DOMAIN, "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256)
          .service(BOOKBUYER));

  @Test
  void serviceCertificateCarriesTheChainAndKeyInline() {
    Secret secret = SecretBuilder.serviceCertificate("service-cert:bookstore/bookbuyer", BOOKBUYER_CERTIFICATE);

    assertThat(secret.getName()).isEqualTo("service-cert:bookstore/bookbuyer");
    assertThat(secret.getTypeCase()).isEqualTo(Secret.TypeCase.TLS_CERTIFICATE);
    TlsCertificate tls = secret.getTlsCertificate();
    assertThat(tls.getCertificateChain().getInlineString())
        .isEqualTo(BOOKBUYER_CERTIFICATE.certificateChainPem())
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(tls.getPrivateKey().getInlineString())
        .isEqualTo(BOOKBUYER_CERTIFICATE.privateKeyPem())
        .contains("PRIVATE KEY-----");
    // Inline strings, not a file name or an environment variable Envoy would look up.
    assertThat(tls.getCertificateChain().getSpecifierCase().name()).isEqualTo("INLINE_STRING");
    assertThat(tls.getPrivateKey().getSpecifierCase().name()).isEqualTo("INLINE_STRING");
    // The certificate's own String, not a copy: every stream's response refers to the one chain.
    assertThat(tls.getCertificateChain().getInlineString()).isSameAs(BOOKBUYER_CERTIFICATE.certificateChainPem());
  }

  @Test
  void inboundValidationTrustsTheMeshRootsAndAnyMeshIdentity() {
    Secret secret = SecretBuilder.inboundValidation("root-cert-for-mtls-inbound:bookstore/bookbuyer", TestCa.ecRootPem());

    assertThat(secret.getName()).isEqualTo("root-cert-for-mtls-inbound:bookstore/bookbuyer");
    assertThat(secret.getTypeCase()).isEqualTo(Secret.TypeCase.VALIDATION_CONTEXT);
    CertificateValidationContext context = secret.getValidationContext();
    assertThat(context.getTrustedCa().getInlineString()).isSameAs(TestCa.ecRootPem());
    assertThat(context.getMatchTypedSubjectAltNamesList()).isEmpty();
  }

  @Test
  void outboundValidationAcceptsExactlyTheUpstreamsSpiffeIdsOrTheirDnsNamesInSortedOrder() {
    List<ServiceIdentity> upstreams = List.of(
        new ServiceIdentity("bookstore-v2", "bookstore"),
        new ServiceIdentity("bookstore", "bookstore"),
        new ServiceIdentity("bookstore", "archive"));

    Secret secret = SecretBuilder.outboundValidation(
        "root-cert-for-mtls-outbound:bookstore/bookstore", TestCa.ecRootPem(), upstreams, TRUST_DOMAIN);

    CertificateValidationContext context = secret.getValidationContext();
    assertThat(secret.getName()).isEqualTo("root-cert-for-mtls-outbound:bookstore/bookstore");
    assertThat(context.getTrustedCa().getInlineString()).isEqualTo(TestCa.ecRootPem());
    assertThat(context.getMatchTypedSubjectAltNamesList())
        .allSatisfy(matcher -> {
          assertThat(matcher.getMatcher().getMatchPatternCase().name()).isEqualTo("EXACT");
          assertThat(matcher.getMatcher().getIgnoreCase()).isFalse();
        })
        .extracting(matcher -> matcher.getSanType() + " " + matcher.getMatcher().getExact())
        .containsExactly(
            "URI spiffe://cluster.local/ns/archive/sa/bookstore",
            "URI spiffe://cluster.local/ns/bookstore/sa/bookstore",
            "URI spiffe://cluster.local/ns/bookstore/sa/bookstore-v2",
            "DNS bookstore-v2.bookstore.cluster.local",
            "DNS bookstore.archive.cluster.local",
            "DNS bookstore.bookstore.cluster.local");
  }

  @Test
  void outboundValidationIsTheSameWhateverOrderTheIdentitiesCameIn() {
    ServiceIdentity a = new ServiceIdentity("a", "bookstore");
    ServiceIdentity b = new ServiceIdentity("b", "bookstore");

    assertThat(SecretBuilder.outboundValidation("n", "roots", List.of(a, b), TRUST_DOMAIN))
        .isEqualTo(SecretBuilder.outboundValidation("n", "roots", List.of(b, a), TRUST_DOMAIN));
  }

  @Test
  void outboundValidationUsesTheConfiguredTrustDomain() {
    Secret secret = SecretBuilder.outboundValidation(
        "n", "roots", Set.of(new ServiceIdentity("bookstore", "bookstore")), "mesh.example");

    assertThat(secret.getValidationContext().getMatchTypedSubjectAltNamesList())
        .extracting(matcher -> matcher.getMatcher().getExact())
        .containsExactly("spiffe://mesh.example/ns/bookstore/sa/bookstore", "bookstore.bookstore.mesh.example");
  }

  @Test
  void outboundValidationWithoutKnownIdentitiesMatchesNoMeshCertificate() {
    Secret secret = SecretBuilder.outboundValidation(
        "root-cert-for-mtls-outbound:bookstore/bookstore", TestCa.ecRootPem(), Set.of(), TRUST_DOMAIN);

    assertThat(secret.getValidationContext().getTrustedCa().getInlineString())
        .isEqualTo(TestCa.ecRootPem());
    // Envoy accepts any peer when the list is empty: it must never be.
    assertThat(secret.getValidationContext().getMatchTypedSubjectAltNamesList()).singleElement().satisfies(m -> {
      assertThat(m.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.URI);
      assertThat(m.getMatcher().getExact()).isEqualTo(SecretBuilder.NO_KNOWN_IDENTITY);
    });
    assertThat(secret.getValidationContext().getMatchSubjectAltNamesList()).isEmpty();
  }
}

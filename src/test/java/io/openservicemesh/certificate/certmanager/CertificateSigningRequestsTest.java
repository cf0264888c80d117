package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.KeyPairs;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.testing.OpenSsl;
import java.io.StringReader;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateSigningRequestsTest {

  private static final CertificateSpec SERVICE = new CertificateSpec(
      CertificateKind.SERVICE, "bookstore.bookstore.cluster.local", List.of("bookstore.bookstore.cluster.local"),
      List.of(URI.create("spiffe://cluster.local/ns/bookstore/sa/bookstore")), Duration.ofHours(24),
      KeySpec.ECDSA_P256);

  private static PKCS10CertificationRequest parse(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return (PKCS10CertificationRequest) parser.readObject();
    }
  }

  private static Extensions extensions(PKCS10CertificationRequest csr) {
    return Extensions.getInstance(
        csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0].getAttributeValues()[0]);
  }

  @Test
  void isAPemCertificateRequestSignedByTheKey() throws Exception {
    KeyPair keys = KeyPairs.generate(KeySpec.ECDSA_P256);

    String pem = CertificateSigningRequests.pem(SERVICE, keys);

    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    PKCS10CertificationRequest csr = parse(pem);
    assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(SigningCa.BC)
        .build(csr.getSubjectPublicKeyInfo())))
        .isTrue();
    assertThat(csr.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
  }

  @Test
  void subjectIsTheCommonNameAndTheMeshOrganization() throws Exception {
    PKCS10CertificationRequest csr = parse(CertificateSigningRequests.pem(SERVICE,
        KeyPairs.generate(KeySpec.ECDSA_P256)));

    assertThat(IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue()))
        .isEqualTo("bookstore.bookstore.cluster.local");
    assertThat(IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.O)[0].getFirst().getValue()))
        .isEqualTo("Open Service Mesh");
  }

  @Test
  void requestsTheDnsAndUriSans() throws Exception {
    PKCS10CertificationRequest csr = parse(CertificateSigningRequests.pem(SERVICE,
        KeyPairs.generate(KeySpec.ECDSA_P256)));

    GeneralNames sans = GeneralNames.fromExtensions(extensions(csr), Extension.subjectAlternativeName);
    assertThat(Arrays.stream(sans.getNames()).map(n -> n.getTagNo() + ":" + n.getName()))
        .containsExactly(
            GeneralName.dNSName + ":bookstore.bookstore.cluster.local",
            GeneralName.uniformResourceIdentifier + ":spiffe://cluster.local/ns/bookstore/sa/bookstore");
  }

  @Test
  void keyUsagesMatchTheRequestsUsagesAsCertManagerRequires() throws Exception {
    PKCS10CertificationRequest csr = parse(CertificateSigningRequests.pem(SERVICE,
        KeyPairs.generate(KeySpec.ECDSA_P256)));

    Extensions extensions = extensions(csr);
    assertThat(KeyUsage.fromExtensions(extensions))
        .isEqualTo(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    assertThat(extensions.getExtension(Extension.keyUsage).isCritical()).isTrue();
    assertThat(ExtendedKeyUsage.fromExtensions(extensions).getUsages())
        .containsExactly(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    assertThat(CertificateSigningRequests.USAGES)
        .containsExactly("digital signature", "key encipherment", "server auth", "client auth");
  }

  @Test
  void aWebhookCertificateWithoutUrisHasOnlyItsDnsSan() throws Exception {
    CertificateSpec webhook = new CertificateSpec(CertificateKind.MUTATING_WEBHOOK, "osm-controller.osm-system.svc",
        List.of("osm-controller.osm-system.svc"), List.of(), Duration.ofDays(3650), KeySpec.ECDSA_P256);

    PKCS10CertificationRequest csr = parse(CertificateSigningRequests.pem(webhook,
        KeyPairs.generate(KeySpec.ECDSA_P256)));

    GeneralNames sans = GeneralNames.fromExtensions(extensions(csr), Extension.subjectAlternativeName);
    assertThat(sans.getNames()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"ECDSA_P256", "ECDSA_P384"})
  void opensslAcceptsTheRequestForEveryKeyType(io.openservicemesh.config.KeyAlgorithm algorithm) throws Exception {
    KeySpec key = new KeySpec(algorithm, 0);
    CertificateSpec spec = new CertificateSpec(SERVICE.kind(), SERVICE.commonName(), SERVICE.dnsNames(),
        SERVICE.uris(), SERVICE.validity(), key);
    String csr = CertificateSigningRequests.pem(spec, KeyPairs.generate(key));

    OpenSsl.Result result = OpenSsl.verifyRequestResult(csr, "-text");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("verify OK")
        .contains("DNS:bookstore.bookstore.cluster.local, URI:spiffe://cluster.local/ns/bookstore/sa/bookstore")
        .contains("TLS Web Server Authentication, TLS Web Client Authentication");
  }

  @Test
  void anRsaKeySignsItsRequestToo() throws Exception {
    KeySpec rsa = KeySpec.rsa(2048);
    CertificateSpec spec = new CertificateSpec(SERVICE.kind(), SERVICE.commonName(), SERVICE.dnsNames(),
        SERVICE.uris(), SERVICE.validity(), rsa);
    String csr = CertificateSigningRequests.pem(spec, KeyPairs.generate(rsa));

    OpenSsl.Result result = OpenSsl.verifyRequestResult(csr);

    assertThat(result.output()).contains("verify OK");
  }
}

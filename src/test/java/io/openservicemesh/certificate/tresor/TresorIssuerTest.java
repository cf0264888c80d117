package io.openservicemesh.certificate.tresor;

import static io.openservicemesh.testing.KeyIds.authorityKeyId;
import static io.openservicemesh.testing.KeyIds.subjectKeyId;
import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.X509Builders;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.testing.KeyMaterial;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.TestCa;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

class TresorIssuerTest {

  private static final String TRUST_DOMAIN = "cluster.local";
  private static final Duration VALIDITY = Duration.ofHours(24);
  private static final String CN = "bookbuyer.bookstore.cluster.local";
  private static final String SPIFFE = "spiffe://cluster.local/ns/bookstore/sa/bookbuyer";

  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  private final MutableClock clock = MutableClock.atNowInWholeSeconds();

  private static CertificateSpec serviceSpec(KeySpec key) {
    return new MeshCertificateSpecs(TRUST_DOMAIN, "osm-system", VALIDITY, key)
        .service(new ServiceIdentity("bookbuyer", "bookstore"));
  }

  @Test
  void leafIsAnEndEntityForServerAndClientAuthentication() throws Exception {
    X509Certificate leaf = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256)).leaf();

    assertThat(leaf.getVersion()).isEqualTo(3);
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtensionValue(Extension.basicConstraints.getId())).isNotNull();
    assertThat(leaf.getKeyUsage())
        .containsExactly(true, false, true, false, false, false, false, false, false);
    assertThat(leaf.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
  }

  @Test
  void leafNamesTheServiceExactly() throws Exception {
    X509Certificate leaf = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256)).leaf();

    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(List.of(DNS_NAME, CN), List.of(URI, SPIFFE));
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    assertThat(subject.getRDNs()).hasSize(2);
    assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue()))
        .isEqualTo(CN);
    assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.O)[0].getFirst().getValue()))
        .isEqualTo("Open Service Mesh");
    assertThat(leaf.getIssuerX500Principal())
        .isEqualTo(TestCa.ecRoot().certificate().getSubjectX500Principal());
  }

  @Test
  void leafCarriesItsOwnKeyIdAndTheCasAsAuthorityKeyId() throws Exception {
    X509Certificate ca = TestCa.ecRoot().certificate();
    X509Certificate leaf = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256)).leaf();

    byte[] leafSki = subjectKeyId(leaf);
    assertThat(leafSki).isNotEmpty();
    assertThat(leafSki)
        .isEqualTo(
            X509Builders.extensionUtils()
                .createSubjectKeyIdentifier(leaf.getPublicKey())
                .getKeyIdentifier());
    assertThat(authorityKeyId(leaf)).isEqualTo(subjectKeyId(ca)).isNotEqualTo(leafSki);
    leaf.verify(ca.getPublicKey());
  }

  @Test
  void authorityKeyIdIsTheCasOwnKeyIdEvenWhenItWasNotMadeByHashing() throws Exception {
    // Go 1.25 and other tools make subject key ids that are not the SHA-1 of the key; an AKI that
    // does not
    // repeat the CA's SKI makes OpenSSL and BoringSSL look for another issuer and reject the chain.
    String ski = "00112233445566778899aabbccddeeff00112233";
    OpenSsl.CaMaterial byo =
        OpenSsl.selfSigned(
            OpenSsl.KeyType.EC_P256,
            "/CN=byo-go-style-ca/O=Example",
            List.of(
                "basicConstraints=critical,CA:TRUE",
                "keyUsage=critical,keyCertSign,cRLSign",
                "subjectKeyIdentifier=" + ski,
                "authorityKeyIdentifier=none"));
    CaBundle ca =
        CaBundleCodec.decode(
            new StoredCaBundle(byo.certificatePem(), byo.privateKeyPem(), null),
            "test",
            Instant.now());

    Certificate issued =
        new TresorIssuer(ca, Clock.systemUTC(), TestCa.CLOCK_SKEW)
            .issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(authorityKeyId(issued.leaf())).isEqualTo(HexFormat.of().parseHex(ski));
    OpenSsl.verify(byo.certificatePem(), issued.certificateChainPem());
  }

  @Test
  void serialsArePositiveAtMost128BitsAndDistinct() throws Exception {
    TresorIssuer issuer = TestCa.issuer(clock);
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      Certificate certificate = issuer.issue(serviceSpec(KeySpec.ECDSA_P256));
      BigInteger serial = certificate.serialNumber();
      assertThat(serial.signum()).isEqualTo(1);
      assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
      assertThat(certificate.serialHex()).isEqualTo(serial.toString(16));
      serials.add(serial);
    }
    assertThat(serials).hasSize(40);
  }

  @Test
  void notBeforeIsBackdatedByTheSkewAllowanceAndNotAfterIsNowPlusValidity() throws Exception {
    Instant now = clock.instant();

    Certificate certificate = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(certificate.leaf().getNotBefore().toInstant())
        .isEqualTo(now.minus(TestCa.CLOCK_SKEW));
    assertThat(certificate.leaf().getNotAfter().toInstant()).isEqualTo(now.plus(VALIDITY));
    assertThat(certificate.notBefore()).isEqualTo(now.minus(TestCa.CLOCK_SKEW));
    assertThat(certificate.notAfter()).isEqualTo(now.plus(VALIDITY));
  }

  @Test
  void skewAllowanceIsTheIssuersNotAFixedValue() throws Exception {
    Duration skew = Duration.ofMinutes(7);
    clock.advance(Duration.ofHours(3));
    Instant now = clock.instant();

    Certificate certificate =
        new TresorIssuer(TestCa.ecRoot(), clock, skew).issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(certificate.notBefore()).isEqualTo(now.minus(skew));
    assertThat(certificate.notAfter()).isEqualTo(now.plus(VALIDITY));
  }

  @Test
  void notAfterIsCappedAtTheRootsExpiryAndReadFromTheCertificate() throws Exception {
    Instant rootExpiry = TestCa.ecRoot().notAfter();
    clock.set(rootExpiry.minus(Duration.ofHours(2)));

    Certificate certificate = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(certificate.leaf().getNotAfter().toInstant()).isEqualTo(rootExpiry);
    assertThat(certificate.notAfter())
        .isEqualTo(rootExpiry)
        .isBefore(clock.instant().plus(VALIDITY));
    assertThat(certificate.isExpiredAt(rootExpiry.minusSeconds(1))).isFalse();
    assertThat(certificate.isExpiredAt(rootExpiry)).isTrue();
  }

  @Test
  void defaultKeyIsEcdsaP256SignedWithSha256() throws Exception {
    Certificate certificate = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(certificate.leaf().getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(fieldSize((ECPublicKey) certificate.leaf().getPublicKey())).isEqualTo(256);
    assertThat(certificate.leaf().getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
    assertThat(KeySpec.ECDSA_P256.algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P256);
  }

  @Test
  void p384LeafHasAP384Key() throws Exception {
    Certificate certificate =
        TestCa.issuer(clock).issue(serviceSpec(new KeySpec(KeyAlgorithm.ECDSA_P384, 0)));

    assertThat(fieldSize((ECPublicKey) certificate.leaf().getPublicKey())).isEqualTo(384);
    assertKeyMatches(certificate);
  }

  @Test
  void rsaLeafHasTheRequestedModulusAndVerifiesWithOpenSsl() throws Exception {
    Certificate certificate = TestCa.issuer().issue(serviceSpec(KeySpec.rsa(2048)));

    assertThat(certificate.leaf().getPublicKey()).isInstanceOf(RSAPublicKey.class);
    assertThat(((RSAPublicKey) certificate.leaf().getPublicKey()).getModulus().bitLength())
        .isEqualTo(2048);
    assertThat(certificate.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(OpenSsl.publicKeyOfKey(certificate.privateKeyPem()))
        .isEqualTo(OpenSsl.publicKeyOfCert(certificate.certificateChainPem()));
    OpenSsl.verify(certificate.issuingCaPem(), certificate.certificateChainPem());
  }

  @Test
  void privateKeyIsPkcs8AndBelongsToTheLeaf() throws Exception {
    Certificate certificate = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(certificate.privateKeyPem())
        .startsWith("-----BEGIN PRIVATE KEY-----")
        .contains("-----END PRIVATE KEY-----")
        .doesNotContain("EC PRIVATE KEY");
    assertKeyMatches(certificate);
    assertThat(OpenSsl.publicKeyOfKey(certificate.privateKeyPem()))
        .isEqualTo(OpenSsl.publicKeyOfCert(certificate.certificateChainPem()));
  }

  @Test
  void eachIssuanceHasANewKey() throws Exception {
    TresorIssuer issuer = TestCa.issuer(clock);

    Certificate first = issuer.issue(serviceSpec(KeySpec.ECDSA_P256));
    Certificate second = issuer.issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(first.leaf().getPublicKey()).isNotEqualTo(second.leaf().getPublicKey());
    assertThat(first.privateKeyPem()).isNotEqualTo(second.privateKeyPem());
  }

  @Test
  void chainAndTrustAreTheLeafAndTheRoot() throws Exception {
    TresorIssuer issuer = TestCa.issuer(clock);

    Certificate certificate = issuer.issue(serviceSpec(KeySpec.ECDSA_P256));

    assertThat(certificate.commonName()).isEqualTo(CN);
    assertThat(certificate.chain()).containsExactly(certificate.leaf());
    assertThat(Pem.decodeCertificates(certificate.certificateChainPem()))
        .containsExactly(certificate.leaf());
    assertThat(certificate.issuingCaPem()).isEqualTo(TestCa.ecRootPem());
    assertThat(certificate.trustedCasPem()).isEqualTo(TestCa.ecRootPem());
    assertThat(issuer.trustedCasPem()).isEqualTo(TestCa.ecRootPem());
  }

  @Test
  void openSslVerifiesTheLeafForBothTlsRoles() {
    Certificate certificate = issueForOpenSsl();

    OpenSsl.verify(certificate.trustedCasPem(), certificate.certificateChainPem());
    OpenSsl.verify(
        certificate.trustedCasPem(), certificate.certificateChainPem(), "-purpose", "sslserver");
    OpenSsl.verify(
        certificate.trustedCasPem(), certificate.certificateChainPem(), "-purpose", "sslclient");
  }

  @Test
  void openSslRejectsTheLeafAgainstAnotherRoot() {
    Certificate certificate = issueForOpenSsl();

    OpenSsl.Result result =
        OpenSsl.verifyResult(
            Pem.encode(TestCa.otherEcRoot().certificate()), certificate.certificateChainPem());

    assertThat(result.succeeded()).as(result.output()).isFalse();
  }

  @Test
  void openSslShowsTheNamesAndThatTheLeafIsNoCa() {
    Certificate certificate = issueForOpenSsl();

    String text = OpenSsl.text(certificate.certificateChainPem());

    assertThat(text)
        .contains("DNS:" + CN)
        .contains("URI:" + SPIFFE)
        .contains("CA:FALSE")
        .contains("Digital Signature, Key Encipherment")
        .contains("TLS Web Server Authentication, TLS Web Client Authentication")
        .contains("Subject: O = Open Service Mesh, CN = " + CN);
  }

  @Test
  void toStringShowsTheIdentityButNotTheKey() throws Exception {
    Certificate certificate = TestCa.issuer(clock).issue(serviceSpec(KeySpec.ECDSA_P256));

    String text = certificate.toString();

    assertThat(text).contains(CN).contains(certificate.serialHex()).doesNotContain("PRIVATE KEY");
    KeyMaterial.assertNoneIn(text, certificate.privateKeyPem());
  }

  private static Certificate issueForOpenSsl() {
    return TestCa.issuer().issue(serviceSpec(KeySpec.ECDSA_P256));
  }

  /** Signs with the private key and verifies with the leaf, using the JDK's own provider. */
  private static void assertKeyMatches(Certificate certificate) throws Exception {
    PrivateKey decoded = Pem.decodePrivateKey(certificate.privateKeyPem());
    String family = certificate.leaf().getPublicKey().getAlgorithm();
    PrivateKey key =
        KeyFactory.getInstance(family)
            .generatePrivate(new PKCS8EncodedKeySpec(decoded.getEncoded()));
    String algorithm = family.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.leaf().getPublicKey());
    verifier.update(probe);
    assertThat(verifier.verify(signature))
        .as("the private key signs for the leaf's public key")
        .isTrue();
  }

  private static int fieldSize(ECPublicKey key) {
    return key.getParams().getCurve().getField().getFieldSize();
  }
}

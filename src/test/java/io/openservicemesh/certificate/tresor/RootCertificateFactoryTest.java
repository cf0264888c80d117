package io.openservicemesh.certificate.tresor;

import static io.openservicemesh.testing.KeyIds.authorityKeyId;
import static io.openservicemesh.testing.KeyIds.subjectKeyId;
import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.X509Builders;
import io.openservicemesh.testing.KeyMaterial;
import io.openservicemesh.testing.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RootCertificateFactoryTest {

  private static final Duration TEN_YEARS = Duration.ofDays(3650);
  private static final Duration SKEW = Duration.ofMinutes(2);
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private static CaBundle ecRoot;
  private static CaBundle rsaRoot;

  @BeforeAll
  static void makeRoots() {
    ecRoot = RootCertificateFactory.create(KeySpec.ECDSA_P256, TEN_YEARS, NOW, SKEW);
    rsaRoot = RootCertificateFactory.create(KeySpec.rsa(2048), TEN_YEARS, NOW, SKEW);
  }

  @Test
  void isACriticalUnconstrainedCa() {
    X509Certificate root = ecRoot.certificate();

    assertThat(root.getVersion()).isEqualTo(3);
    assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(root.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
  }

  @Test
  void mayOnlySignCertificatesAndCrls() throws Exception {
    boolean[] usage = ecRoot.certificate().getKeyUsage();

    assertThat(usage).containsExactly(false, false, false, false, false, true, true, false, false);
    assertThat(ecRoot.certificate().getExtendedKeyUsage()).isNull();
  }

  @Test
  void isSelfSignedWithTheMeshRootName() throws Exception {
    X509Certificate root = ecRoot.certificate();

    root.verify(root.getPublicKey());
    assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
    X500Name subject = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
    assertThat(subject.getRDNs()).hasSize(2);
    assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue()))
        .isEqualTo("osm-ca.openservicemesh.io")
        .isEqualTo(RootCertificateFactory.ROOT_COMMON_NAME);
    assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.O)[0].getFirst().getValue()))
        .isEqualTo("Open Service Mesh");
  }

  @Test
  void subjectAndAuthorityKeyIdsAreTheKeysHash() {
    X509Certificate root = ecRoot.certificate();
    byte[] expected =
        X509Builders.extensionUtils()
            .createSubjectKeyIdentifier(root.getPublicKey())
            .getKeyIdentifier();

    assertThat(subjectKeyId(root)).hasSize(20).isEqualTo(expected);
    assertThat(authorityKeyId(root)).isEqualTo(subjectKeyId(root));
  }

  @Test
  void isValidForTheGivenTimeBackdatedByTheSkewAllowance() {
    assertThat(ecRoot.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minus(SKEW));
    assertThat(ecRoot.certificate().getNotAfter().toInstant()).isEqualTo(NOW.plus(TEN_YEARS));
    assertThat(ecRoot.notAfter()).isEqualTo(NOW.plus(TEN_YEARS));
  }

  @Test
  void serialIsRandomPositiveAndAtMost128Bits() {
    CaBundle another = RootCertificateFactory.create(KeySpec.ECDSA_P256, TEN_YEARS, NOW, SKEW);

    assertThat(ecRoot.certificate().getSerialNumber().signum()).isEqualTo(1);
    assertThat(ecRoot.certificate().getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    assertThat(another.certificate().getSerialNumber())
        .isNotEqualTo(ecRoot.certificate().getSerialNumber());
    assertThat(another.certificate().getPublicKey())
        .isNotEqualTo(ecRoot.certificate().getPublicKey());
  }

  @Test
  void privateKeyBelongsToTheCertificate() throws Exception {
    assertSignsFor(ecRoot, "SHA256withECDSA");
    assertSignsFor(rsaRoot, "SHA256withRSA");
  }

  @Test
  void ecRootIsP256SignedWithSha256() {
    assertThat(
            ((ECPublicKey) ecRoot.certificate().getPublicKey())
                .getParams()
                .getCurve()
                .getField()
                .getFieldSize())
        .isEqualTo(256);
    assertThat(ecRoot.certificate().getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
  }

  @Test
  void p384RootSignsWithSha384() throws Exception {
    CaBundle p384 =
        RootCertificateFactory.create(
            new KeySpec(KeyAlgorithm.ECDSA_P384, 0), TEN_YEARS, NOW, SKEW);

    assertThat(p384.certificate().getSigAlgName()).isEqualToIgnoringCase("SHA384withECDSA");
    p384.certificate().verify(p384.certificate().getPublicKey());
  }

  @Test
  void rsaRootIsAnEquallyShapedCa() throws Exception {
    X509Certificate root = rsaRoot.certificate();

    root.verify(root.getPublicKey());
    assertThat(((RSAPublicKey) root.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(root.getSigAlgName()).isEqualToIgnoringCase("SHA256withRSA");
    assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(root.getKeyUsage())
        .containsExactly(false, false, false, false, false, true, true, false, false);
    assertThat(root.getSubjectX500Principal())
        .isEqualTo(ecRoot.certificate().getSubjectX500Principal());
    assertThat(authorityKeyId(root)).isEqualTo(subjectKeyId(root));
    assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.plus(TEN_YEARS));
  }

  @Test
  void openSslSeesACaThatVerifiesItself() {
    String pem = Pem.encode(ecRoot.certificate());

    assertThat(OpenSsl.text(pem))
        .contains("CA:TRUE")
        .contains("Certificate Sign, CRL Sign")
        .contains("Subject: O = Open Service Mesh, CN = osm-ca.openservicemesh.io")
        .contains("Issuer: O = Open Service Mesh, CN = osm-ca.openservicemesh.io");
    OpenSsl.verify(pem, pem);
    OpenSsl.verify(Pem.encode(rsaRoot.certificate()), Pem.encode(rsaRoot.certificate()));
  }

  @Test
  void toStringDoesNotShowTheKey() {
    String text = ecRoot.toString();

    assertThat(text)
        .contains("osm-ca.openservicemesh.io")
        .contains(ecRoot.serialHex())
        .contains("<redacted>");
    KeyMaterial.assertNoneIn(text, Pem.encodePrivateKey(ecRoot.privateKey()));
    KeyMaterial.assertNoneIn(rsaRoot.toString(), Pem.encodePrivateKey(rsaRoot.privateKey()));
  }

  private static void assertSignsFor(CaBundle bundle, String algorithm) throws Exception {
    byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(bundle.privateKey());
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(bundle.certificate().getPublicKey());
    verifier.update(probe);
    assertThat(verifier.verify(signature)).isTrue();
  }
}

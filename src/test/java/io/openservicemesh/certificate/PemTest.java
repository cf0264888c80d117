package io.openservicemesh.certificate;

import io.openservicemesh.config.KeySpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.testing.KeyMaterial;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.TestCa;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PemTest {

  private static X509Certificate root;
  private static Certificate first;
  private static Certificate second;
  private static String keyPem;

  @BeforeAll
  static void issue() {
    root = TestCa.ecRoot().certificate();
    first = TestCa.issuer().issue(spec("first.example"));
    second = TestCa.issuer().issue(spec("second.example"));
    keyPem = first.privateKeyPem();
  }

  private static CertificateSpec spec(String cn) {
    return new CertificateSpec(
        CertificateKind.SERVICE,
        cn,
        List.of(cn),
        List.of(),
        Duration.ofHours(1),
        KeySpec.ECDSA_P256);
  }

  // Certificates.

  @Test
  void decodesEveryCertificateInOrder() throws Exception {
    String pem = Pem.encode(List.of(second.leaf(), root, first.leaf()));

    assertThat(Pem.decodeCertificates(pem)).containsExactly(second.leaf(), root, first.leaf());
    assertThat(Pem.decodeCertificate(pem)).isEqualTo(second.leaf());
  }

  @Test
  void textAroundTheBlocksIsIgnored() throws Exception {
    String pem =
        "subject=first\n" + Pem.encode(first.leaf()) + "\n\nsubject=root\n" + Pem.encode(root);

    assertThat(Pem.decodeCertificates(pem)).containsExactly(first.leaf(), root);
  }

  @Test
  void encodesOneCertificateAsOneBlockOpenSslReads() {
    String pem = Pem.encode(root);

    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----").contains("-----END CERTIFICATE-----");
    assertThat(pem.split("BEGIN CERTIFICATE", -1)).hasSize(2);
    assertThat(OpenSsl.text(pem)).contains("osm-ca.openservicemesh.io");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   \n", "hello", "-----BEGIN CERTIFICATE-----"})
  void textWithoutACertificateIsRefused(String text) {
    PemException e = catchThrowableOfType(PemException.class, () -> Pem.decodeCertificates(text));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .containsAnyOf("no PEM CERTIFICATE block found", "malformed PEM certificate");
  }

  @Test
  void emptyTextSaysNoCertificateWasFound() {
    assertThatThrownBy(() -> Pem.decodeCertificates("no pem here"))
        .isInstanceOf(PemException.class)
        .hasMessage("no PEM CERTIFICATE block found");
  }

  @Test
  void keyAmongCertificatesIsRefusedWithoutQuotingIt() {
    String pem = Pem.encode(first.leaf()) + keyPem;

    PemException e = catchThrowableOfType(PemException.class, () -> Pem.decodeCertificates(pem));

    assertThat(e)
        .hasMessageContaining("expected only CERTIFICATE blocks")
        .hasMessageContaining("PrivateKeyInfo");
    KeyMaterial.assertNoneIn(e.getMessage(), keyPem);
  }

  @Test
  void unknownBlockAmongCertificatesIsRefused() {
    String pem =
        Pem.encode(root) + "-----BEGIN FROBNICATOR-----\nAAAA\n-----END FROBNICATOR-----\n";

    assertThatThrownBy(() -> Pem.decodeCertificates(pem))
        .isInstanceOf(PemException.class)
        .hasMessageStartingWith("malformed PEM certificate")
        .hasMessageContaining("FROBNICATOR");
  }

  @Test
  void corruptedCertificateIsRefused() {
    String pem = Pem.encode(root);
    String corrupted = pem.replace(pem.lines().toList().get(3), "@@@@");

    assertThatThrownBy(() -> Pem.decodeCertificates(corrupted))
        .isInstanceOf(PemException.class)
        .hasMessageStartingWith("malformed PEM certificate");
  }

  // Private keys.

  @Test
  void encodesKeysAsUnencryptedPkcs8() throws Exception {
    PrivateKey key = Pem.decodePrivateKey(keyPem);

    String encoded = Pem.encodePrivateKey(key);

    assertThat(encoded)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Pem.decodePrivateKey(encoded).getEncoded()).isEqualTo(key.getEncoded());
    assertThat(OpenSsl.publicKeyOfKey(encoded))
        .isEqualTo(OpenSsl.publicKeyOfCert(first.certificateChainPem()));
  }

  @Test
  void readsSec1EcKeys() throws Exception {
    String sec1 = OpenSsl.toSec1(keyPem);

    PrivateKey key = Pem.decodePrivateKey(sec1);

    assertThat(sec1).contains("BEGIN EC PRIVATE KEY");
    assertThat(OpenSsl.publicKeyOfKey(Pem.encodePrivateKey(key)))
        .isEqualTo(OpenSsl.publicKeyOfCert(first.certificateChainPem()));
  }

  @Test
  void readsTheKeyAfterTheEcParametersOfOpensslEcparam() throws Exception {
    String generated = OpenSsl.ecparamGenkey();

    PrivateKey key = Pem.decodePrivateKey(generated);

    assertThat(generated.indexOf("BEGIN EC PARAMETERS"))
        .isNotNegative()
        .isLessThan(generated.indexOf("BEGIN EC PRIVATE KEY"));
    assertThat(OpenSsl.publicKeyOfKey(Pem.encodePrivateKey(key)))
        .isEqualTo(OpenSsl.publicKeyOfKey(generated));
  }

  @Test
  void ecParametersAloneAreNoKey() {
    String generated = OpenSsl.ecparamGenkey();
    String parametersOnly =
        generated.substring(0, generated.indexOf("-----BEGIN EC PRIVATE KEY-----"));

    assertThatThrownBy(() -> Pem.decodePrivateKey(parametersOnly))
        .isInstanceOf(PemException.class)
        .hasMessage("no PEM private key block found");
  }

  @Test
  void encryptedPkcs8KeyIsRefusedWithAMessage() {
    String encrypted = OpenSsl.encryptPkcs8(keyPem, "s3cret-passphrase");

    PemException e =
        catchThrowableOfType(PemException.class, () -> Pem.decodePrivateKey(encrypted));

    assertThat(encrypted).contains("BEGIN ENCRYPTED PRIVATE KEY");
    assertThat(e).hasMessageContaining("expected an unencrypted").hasMessageContaining("Encrypted");
    assertThat(e.getMessage()).doesNotContain("s3cret-passphrase");
    KeyMaterial.assertNoneIn(e.getMessage(), encrypted);
  }

  @Test
  void legacyEncryptedEcKeyIsRefusedWithAMessage() {
    String encrypted = OpenSsl.encryptSec1(keyPem, "s3cret-passphrase");

    PemException e =
        catchThrowableOfType(PemException.class, () -> Pem.decodePrivateKey(encrypted));

    assertThat(encrypted).contains("Proc-Type: 4,ENCRYPTED");
    assertThat(e).hasMessageContaining("expected an unencrypted").hasMessageContaining("Encrypted");
    KeyMaterial.assertNoneIn(e.getMessage(), encrypted);
  }

  @Test
  void certificateIsNoKey() {
    assertThatThrownBy(() -> Pem.decodePrivateKey(Pem.encode(root)))
        .isInstanceOf(PemException.class)
        .hasMessageContaining(
            "expected an unencrypted PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block")
        .hasMessageContaining("X509CertificateHolder");
  }

  @Test
  void unknownBlockIsRefusedAsAKeyWithAMessage() {
    assertThatThrownBy(
            () ->
                Pem.decodePrivateKey(
                    "-----BEGIN FROBNICATOR-----\nAAAA\n-----END FROBNICATOR-----\n"))
        .isInstanceOf(PemException.class)
        .hasMessageContaining("PEM private key");
  }

  @Test
  void textWithoutAKeyIsRefused() {
    assertThatThrownBy(() -> Pem.decodePrivateKey("nothing to see"))
        .isInstanceOf(PemException.class)
        .hasMessage("no PEM private key block found");
  }

  static Stream<Arguments> malformedKeys() {
    List<String> lines = keyPem.lines().toList();
    String body = String.join("\n", lines.subList(1, lines.size() - 1));
    String sec1 = OpenSsl.toSec1(keyPem);
    List<String> sec1Lines = sec1.lines().toList();
    return Stream.of(
        Arguments.of("truncated PKCS#8", keyPem.replace(lines.get(2), "")),
        Arguments.of(
            "bad base64",
            keyPem.replace(
                lines.get(1), lines.get(1).substring(0, 10) + "!" + lines.get(1).substring(11))),
        Arguments.of("no END line", keyPem.replace(lines.get(lines.size() - 1), "")),
        Arguments.of(
            "PKCS#8 body labelled RSA PRIVATE KEY",
            "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n"),
        Arguments.of(
            "PKCS#8 body labelled EC PRIVATE KEY",
            "-----BEGIN EC PRIVATE KEY-----\n" + body + "\n-----END EC PRIVATE KEY-----\n"),
        Arguments.of("truncated SEC1", sec1.replace(sec1Lines.get(2), "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedKeys")
  void malformedKeyMessageQuotesNoKeyMaterial(String variant, String malformed) {
    PemException e =
        catchThrowableOfType(PemException.class, () -> Pem.decodePrivateKey(malformed));

    assertThat(e).as(variant).isNotNull();
    assertThat(e.getMessage()).isNotBlank();
    assertThat(e.getCause()).isNull();
    KeyMaterial.assertNoneIn(e.getMessage(), keyPem);
    KeyMaterial.assertNoneIn(e.getMessage(), malformed);
  }
}

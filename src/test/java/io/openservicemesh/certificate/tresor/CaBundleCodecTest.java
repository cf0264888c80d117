package io.openservicemesh.certificate.tresor;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.testing.KeyMaterial;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.OpenSsl.CaMaterial;
import io.openservicemesh.testing.OpenSsl.KeyType;
import io.openservicemesh.testing.TestCa;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CaBundleCodecTest {

  private static final String LOCATION = "Secret osm-system/osm-ca-bundle";

  // Operator-made CAs (openssl req -x509), one RSA and one EC, with their keys in every form.
  private static CaMaterial rsaCa;
  private static CaMaterial ecCa;
  private static String rsaPkcs1Key;
  private static String ecSec1Key;
  private static String ecTraditionalKey;
  private static CaMaterial ecparamCa;

  @BeforeAll
  static void makeOperatorCas() {
    rsaCa = OpenSsl.selfSignedCa(KeyType.RSA_2048, "/CN=byo-rsa-ca/O=Example Ops");
    ecCa = OpenSsl.selfSignedCa(KeyType.EC_P256, "/CN=byo-ec-ca/O=Example Ops");
    rsaPkcs1Key = OpenSsl.toPkcs1(rsaCa.privateKeyPem());
    ecSec1Key = OpenSsl.toSec1(ecCa.privateKeyPem());
    ecTraditionalKey = OpenSsl.toTraditional(ecCa.privateKeyPem());
    ecparamCa =
        OpenSsl.selfSignedForKey(
            OpenSsl.ecparamGenkey(), "/CN=byo-ecparam-ca/O=Example Ops", OpenSsl.CA_EXTENSIONS);
  }

  private static StoredCaBundle stored(CaBundle bundle) {
    return CaBundleCodec.encode(bundle);
  }

  private static String keyPem(CaBundle bundle) {
    return Pem.encodePrivateKey(bundle.privateKey());
  }

  private static BrokenCaBundleException refusal(StoredCaBundle bundle, Instant now) {
    return catchThrowableOfType(
        BrokenCaBundleException.class, () -> CaBundleCodec.decode(bundle, LOCATION, now));
  }

  private static BrokenCaBundleException refusal(StoredCaBundle bundle) {
    return refusal(bundle, Instant.now());
  }

  // Round trip and the stored form.

  @Test
  void encodedBundleDecodesToTheSameCertificateAndKey() throws Exception {
    CaBundle original = TestCa.ecRoot();

    CaBundle decoded = CaBundleCodec.decode(stored(original), LOCATION, Instant.now());

    assertThat(decoded.certificate()).isEqualTo(original.certificate());
    assertThat(decoded.privateKey().getEncoded()).isEqualTo(original.privateKey().getEncoded());
  }

  @Test
  void storedFormIsPemCertificatePkcs8KeyAndExpiration() throws Exception {
    StoredCaBundle stored = stored(TestCa.ecRoot());

    assertThat(stored.caCrt()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Pem.decodeCertificates(stored.caCrt()))
        .containsExactly(TestCa.ecRoot().certificate());
    assertThat(stored.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(stored.expiration()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    assertThat(Instant.parse(stored.expiration())).isEqualTo(TestCa.ecRoot().notAfter());
  }

  @Test
  void expirationIsWrittenInOsmsFormat() {
    assertThat(CaBundleCodec.EXPIRATION_FORMAT.format(Instant.parse("2031-01-11T23:15:09.299Z")))
        .isEqualTo("2031-01-11T23:15:09.299Z");
    assertThat(CaBundleCodec.EXPIRATION_FORMAT.format(Instant.parse("2031-01-11T03:05:09Z")))
        .isEqualTo("2031-01-11T03:05:09.000Z");
  }

  @Test
  void expirationIsTheCertificatesNotAfterInWholeSeconds() {
    CaBundle root =
        RootCertificateFactory.create(
            KeySpec.ECDSA_P256,
            Duration.ofDays(3650),
            Instant.parse("2021-01-11T23:15:09.299Z"),
            Duration.ZERO);

    StoredCaBundle stored = stored(root);

    assertThat(stored.expiration()).isEqualTo("2031-01-09T23:15:09.000Z");
    assertThat(Instant.parse(stored.expiration()))
        .isEqualTo(root.certificate().getNotAfter().toInstant());
  }

  @Test
  void staleExpirationIsReportedAndTheCertificateWins() throws Exception {
    CaBundle root = TestCa.ecRoot();
    StoredCaBundle good = stored(root);
    StoredCaBundle stale =
        new StoredCaBundle(good.caCrt(), good.privateKey(), "2099-01-01T00:00:00.000Z");

    CaBundle decoded = CaBundleCodec.decode(stale, LOCATION, Instant.now());

    assertThat(decoded.notAfter()).isEqualTo(root.notAfter());
    assertThat(CaBundleCodec.staleExpiration(stale, decoded)).contains("2099-01-01T00:00:00.000Z");
    assertThat(CaBundleCodec.staleExpiration(good, decoded)).isEmpty();
    assertThat(
            CaBundleCodec.staleExpiration(
                new StoredCaBundle(good.caCrt(), good.privateKey(), null), decoded))
        .isEmpty();
  }

  // Bring your own CA.

  static Stream<Arguments> operatorCas() {
    return Stream.of(
        Arguments.of(
            "RSA PKCS#8", rsaCa.certificatePem(), rsaCa.privateKeyPem(), "BEGIN PRIVATE KEY"),
        Arguments.of("RSA PKCS#1", rsaCa.certificatePem(), rsaPkcs1Key, "BEGIN RSA PRIVATE KEY"),
        Arguments.of("EC PKCS#8", ecCa.certificatePem(), ecCa.privateKeyPem(), "BEGIN PRIVATE KEY"),
        Arguments.of(
            "EC SEC1 (openssl ec)", ecCa.certificatePem(), ecSec1Key, "BEGIN EC PRIVATE KEY"),
        Arguments.of(
            "EC SEC1 (pkey -traditional)",
            ecCa.certificatePem(),
            ecTraditionalKey,
            "BEGIN EC PRIVATE KEY"),
        Arguments.of(
            "EC SEC1 with EC PARAMETERS (ecparam -genkey)",
            ecparamCa.certificatePem(),
            ecparamCa.privateKeyPem(),
            "BEGIN EC PARAMETERS"));
  }

  static Stream<Arguments> operatorCasWithAndWithoutExpiration() {
    return operatorCas()
        .flatMap(
            args ->
                Stream.of(true, false)
                    .map(
                        withExpiration ->
                            Arguments.of(
                                args.get()[0]
                                    + (withExpiration
                                        ? ", with expiration"
                                        : ", without expiration"),
                                args.get()[1],
                                args.get()[2],
                                args.get()[3],
                                withExpiration)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorCasWithAndWithoutExpiration")
  void operatorMadeCaLoads(
      String variant, String certPem, String keyPem, String marker, boolean withExpiration)
      throws Exception {
    assertThat(keyPem).as("the key is in the form the variant names").contains(marker);
    X509Certificate expected = Pem.decodeCertificate(certPem);
    String expiration =
        withExpiration
            ? CaBundleCodec.EXPIRATION_FORMAT.format(expected.getNotAfter().toInstant())
            : null;

    CaBundle bundle =
        CaBundleCodec.decode(
            new StoredCaBundle(certPem, keyPem, expiration), LOCATION, Instant.now());

    assertThat(bundle.certificate()).isEqualTo(expected);
    assertThat(bundle.privateKey().getAlgorithm()).isIn("RSA", "EC", "ECDSA");
    assertThat(OpenSsl.publicKeyOfKey(Pem.encodePrivateKey(bundle.privateKey())))
        .isEqualTo(OpenSsl.publicKeyOfCert(certPem));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorCas")
  void leafFromAnOperatorMadeCaVerifiesWithOpenSsl(
      String variant, String certPem, String keyPem, String marker) throws Exception {
    CaBundle bundle =
        CaBundleCodec.decode(new StoredCaBundle(certPem, keyPem, null), LOCATION, Instant.now());
    CertificateSpec spec =
        new CertificateSpec(
            CertificateKind.SERVICE,
            "bookbuyer.bookstore.cluster.local",
            List.of("bookbuyer.bookstore.cluster.local"),
            List.of(URI.create("spiffe://cluster.local/ns/bookstore/sa/bookbuyer")),
            Duration.ofHours(1),
            KeySpec.ECDSA_P256);

    Certificate leaf = new TresorIssuer(bundle, Clock.systemUTC(), TestCa.CLOCK_SKEW).issue(spec);

    assertThat(leaf.issuingCaPem()).isEqualTo(Pem.encode(bundle.certificate()));
    OpenSsl.verify(certPem, leaf.certificateChainPem(), "-purpose", "sslserver");
  }

  // Refusals.

  @Test
  void missingCertificateIsNamed() {
    StoredCaBundle good = stored(TestCa.ecRoot());

    for (String absent : new String[] {null, "", "  \n"}) {
      BrokenCaBundleException e =
          refusal(new StoredCaBundle(absent, good.privateKey(), good.expiration()));

      assertThat(e.problems()).containsExactly("key ca.crt is missing");
      assertThat(e).hasMessageContaining(LOCATION).hasMessageContaining("ca.crt is missing");
    }
  }

  @Test
  void missingKeyIsNamed() {
    StoredCaBundle good = stored(TestCa.ecRoot());

    BrokenCaBundleException e = refusal(new StoredCaBundle(good.caCrt(), null, good.expiration()));

    assertThat(e.problems()).containsExactly("key private.key is missing");
    assertThat(e).hasMessageContaining(LOCATION).hasMessageContaining("private.key is missing");
  }

  @Test
  void bothMissingAreBothListed() {
    BrokenCaBundleException e = refusal(new StoredCaBundle(null, null, "2031-01-11T23:15:09.299Z"));

    assertThat(e.problems()).containsExactly("key ca.crt is missing", "key private.key is missing");
    assertThat(e)
        .hasMessageStartingWith("the CA bundle in " + LOCATION + " is unusable: ")
        .hasMessageContaining("ca.crt is missing; key private.key is missing")
        .hasMessageContaining("restore it from a backup").hasMessageContaining("cut off every running proxy");
  }

  @Test
  void garbageIsRefusedNamingWhichKey() {
    StoredCaBundle good = stored(TestCa.ecRoot());

    BrokenCaBundleException badCert = refusal(new StoredCaBundle("hello", good.privateKey(), null));
    BrokenCaBundleException badKey = refusal(new StoredCaBundle(good.caCrt(), "hello", null));
    BrokenCaBundleException badBody =
        refusal(
            new StoredCaBundle(
                "-----BEGIN CERTIFICATE-----\n"
                    + "bm90IGEgY2VydGlmaWNhdGU=\n"
                    + "-----END CERTIFICATE-----\n",
                good.privateKey(),
                null));

    assertThat(badCert.problems())
        .singleElement(as(STRING))
        .startsWith("ca.crt is not a PEM certificate");
    assertThat(badKey.problems())
        .singleElement(as(STRING))
        .startsWith("private.key is not a PEM private key");
    assertThat(badBody.problems())
        .singleElement(as(STRING))
        .startsWith("ca.crt is not a PEM certificate");
    assertThat(badCert).hasMessageContaining(LOCATION);
  }

  @Test
  void keyOfAnotherCaIsRefused() {
    StoredCaBundle mismatched =
        new StoredCaBundle(
            Pem.encode(TestCa.ecRoot().certificate()), keyPem(TestCa.otherEcRoot()), null);

    BrokenCaBundleException e = refusal(mismatched);

    assertThat(e.problems())
        .containsExactly("private.key does not match the certificate in ca.crt");
    assertThat(e).hasMessageContaining(LOCATION);
  }

  @Test
  void keyOfAnotherAlgorithmIsRefusedAsAMismatch() {
    StoredCaBundle mismatched =
        new StoredCaBundle(rsaCa.certificatePem(), ecCa.privateKeyPem(), null);

    assertThat(refusal(mismatched).problems())
        .containsExactly("private.key does not match the certificate in ca.crt");
  }

  @Test
  void leafCertificateIsNotACa() {
    Certificate leaf =
        TestCa.issuer()
            .issue(
                new CertificateSpec(
                    CertificateKind.SERVICE,
                    "leaf.example",
                    List.of("leaf.example"),
                    List.of(),
                    Duration.ofHours(1),
                    KeySpec.ECDSA_P256));

    BrokenCaBundleException e =
        refusal(new StoredCaBundle(leaf.certificateChainPem(), leaf.privateKeyPem(), null));

    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).contains("ca.crt").contains("is not a CA"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("lacks keyCertSign"));
    assertThat(e).hasMessageContaining(LOCATION);
  }

  @Test
  void caThatMayNotSignCertificatesIsRefused() {
    CaMaterial noCertSign =
        OpenSsl.selfSigned(
            KeyType.EC_P256,
            "/CN=no-cert-sign",
            List.of(
                "basicConstraints=critical,CA:TRUE", "keyUsage=critical,digitalSignature,cRLSign"));

    BrokenCaBundleException e =
        refusal(new StoredCaBundle(noCertSign.certificatePem(), noCertSign.privateKeyPem(), null));

    assertThat(e.problems()).singleElement(as(STRING)).contains("may not sign certificates");
  }

  @Test
  void expiredCaIsRefusedAtTheClockGiven() throws Exception {
    CaBundle root = TestCa.ecRoot();
    StoredCaBundle stored = stored(root);

    CaBundle stillValid = CaBundleCodec.decode(stored, LOCATION, root.notAfter().minusSeconds(1));
    BrokenCaBundleException e = refusal(stored, root.notAfter());

    assertThat(stillValid.certificate()).isEqualTo(root.certificate());
    assertThat(e.problems())
        .containsExactly("the certificate in ca.crt expired at " + root.notAfter());
    assertThat(e).hasMessageContaining(LOCATION);
  }

  @Test
  void caNotYetValidIsRefusedAtTheClockGiven() {
    CaBundle root = TestCa.ecRoot();
    Instant notBefore = root.certificate().getNotBefore().toInstant();

    BrokenCaBundleException e = refusal(stored(root), notBefore.minusSeconds(1));

    assertThat(e.problems())
        .containsExactly("the certificate in ca.crt is not valid before " + notBefore);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Certificate leaf =
        TestCa.issuer()
            .issue(
                new CertificateSpec(
                    CertificateKind.SERVICE,
                    "leaf.example",
                    List.of("leaf.example"),
                    List.of(),
                    Duration.ofHours(1),
                    KeySpec.ECDSA_P256));

    BrokenCaBundleException e =
        refusal(
            new StoredCaBundle(leaf.certificateChainPem(), keyPem(TestCa.otherEcRoot()), null),
            leaf.notAfter().plusSeconds(1));

    assertThat(e.problems())
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).contains("is not a CA"))
        .anySatisfy(p -> assertThat(p).contains("lacks keyCertSign"))
        .anySatisfy(p -> assertThat(p).contains("expired at"))
        .anySatisfy(p -> assertThat(p).contains("does not match"));
  }

  // Refusals never quote the key.

  static Stream<Arguments> leakyBundles() {
    String cert = Pem.encode(TestCa.ecRoot().certificate());
    String pkcs8 = keyPem(TestCa.ecRoot());
    String rsaPkcs8 = rsaCa.privateKeyPem();
    return Stream.of(
        Arguments.of("fields swapped", pkcs8, pkcs8, cert),
        Arguments.of("RSA fields swapped", rsaPkcs8, rsaPkcs8, rsaCa.certificatePem()),
        Arguments.of("PKCS#1 key as ca.crt", rsaPkcs1Key, rsaPkcs1Key, rsaCa.certificatePem()),
        Arguments.of("key body labelled CERTIFICATE", pkcs8, relabel(pkcs8, "CERTIFICATE"), pkcs8),
        Arguments.of(
            "RSA key body labelled CERTIFICATE",
            rsaPkcs8,
            relabel(rsaPkcs8, "CERTIFICATE"),
            rsaCa.certificatePem()),
        Arguments.of("truncated PKCS#8 key", pkcs8, cert, truncate(pkcs8)),
        Arguments.of(
            "truncated PKCS#1 key", rsaPkcs1Key, rsaCa.certificatePem(), truncate(rsaPkcs1Key)),
        Arguments.of("truncated SEC1 key", ecSec1Key, ecCa.certificatePem(), truncate(ecSec1Key)),
        Arguments.of("corrupted base64", pkcs8, cert, corrupt(pkcs8)),
        Arguments.of("RSA key of a mismatched type", rsaPkcs1Key, cert, rsaPkcs1Key),
        Arguments.of(
            "PKCS#1 body labelled EC PRIVATE KEY",
            rsaPkcs1Key,
            rsaCa.certificatePem(),
            rsaPkcs1Key.replace("RSA PRIVATE KEY", "EC PRIVATE KEY")),
        Arguments.of(
            "missing END line", pkcs8, cert, pkcs8.replace("-----END PRIVATE KEY-----", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("leakyBundles")
  void refusalNeverQuotesThePrivateKey(
      String variant, String secretKeyPem, String caCrt, String privateKey) {
    BrokenCaBundleException e = refusal(new StoredCaBundle(caCrt, privateKey, null));

    assertThat(e).as(variant + " must be refused").isNotNull();
    KeyMaterial.assertNoneIn(e.getMessage(), secretKeyPem);
    KeyMaterial.assertNoneIn(e.toString(), secretKeyPem);
    assertThat(e.getCause()).isNull();
  }

  private static String relabel(String pem, String label) {
    return pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "-----$1 " + label + "-----");
  }

  /** Drops the second half of the key's base64 lines, keeping the END line. */
  private static String truncate(String pem) {
    List<String> lines = pem.lines().toList();
    List<String> body = lines.subList(1, lines.size() - 1);
    return lines.get(0)
        + "\n"
        + String.join("\n", body.subList(0, body.size() / 2))
        + "\n"
        + lines.get(lines.size() - 1)
        + "\n";
  }

  /** Replaces a character in the middle of the base64 with one base64 does not have. */
  private static String corrupt(String pem) {
    List<String> lines = pem.lines().toList();
    String middle = lines.get(lines.size() / 2);
    String broken =
        middle.substring(0, middle.length() / 2) + "*" + middle.substring(middle.length() / 2 + 1);
    return pem.replace(middle, broken);
  }

  @Test
  void decodeCertificateOnlyNeedsNoKey() throws Exception {
    StoredCaBundle noKey =
        new StoredCaBundle(Pem.encode(TestCa.ecRoot().certificate()), null, null);

    X509Certificate certificate =
        CaBundleCodec.decodeCertificateOnly(noKey, LOCATION, Instant.now());

    assertThat(certificate).isEqualTo(TestCa.ecRoot().certificate());
    assertThatThrownBy(
            () ->
                CaBundleCodec.decodeCertificateOnly(
                    new StoredCaBundle(null, null, null), LOCATION, Instant.now()))
        .isInstanceOf(BrokenCaBundleException.class)
        .hasMessageContaining("ca.crt is missing");
  }
}

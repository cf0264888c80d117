package io.openservicemesh.certificate.tresor;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.config.CryptoProviderChoice;
import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CorrettoProviderLoader;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviderSelector;
import io.openservicemesh.crypto.CryptoProviders;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.NativeCrypto;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.TestCa;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every key algorithm issued with each provider, judged by the openssl binary: the leaf chains to its root, parses
 * with the names, key and signature algorithm it should have, and its private key is the certificate's.
 */
class IssuanceByCryptoProviderTest {

  private static final Duration VALIDITY = Duration.ofHours(24);

  static Stream<Arguments> providersAndKeys() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (String provider : new String[] {"bouncycastle", "accp"}) {
      cases.add(Arguments.of(provider, KeySpec.ECDSA_P256, "id-ecPublicKey", "ecdsa-with-SHA256"));
      cases.add(Arguments.of(provider, new KeySpec(KeyAlgorithm.ECDSA_P384, 0), "id-ecPublicKey", "ecdsa-with-SHA384"));
      cases.add(Arguments.of(provider, KeySpec.rsa(2048), "rsaEncryption", "sha256WithRSAEncryption"));
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndKeys")
  void aRootAndItsLeafMadeByTheProviderAreWhatOpenSslExpects(
      String providerName, KeySpec key, String publicKeyAlgorithm, String signatureAlgorithm) throws Exception {
    CryptoProvider crypto = provider(providerName);
    CaBundle root = RootCertificateFactory.create(key, TestCa.ROOT_VALIDITY, Instant.now(), TestCa.CLOCK_SKEW, crypto);

    Certificate leaf = new TresorIssuer(root, Clock.systemUTC(), TestCa.CLOCK_SKEW, crypto).issue(spec(key));

    String rootPem = Pem.encode(root.certificate());
    assertThat(OpenSsl.verify(rootPem, leaf.certificateChainPem())).isEqualToIgnoringWhitespace("leaf.pem: OK");
    assertThat(OpenSsl.text(leaf.certificateChainPem())).contains(
        "Public Key Algorithm: " + publicKeyAlgorithm,
        "Signature Algorithm: " + signatureAlgorithm,
        "URI:spiffe://cluster.local/ns/bookstore/sa/bookbuyer",
        "CA:FALSE");
    assertThat(OpenSsl.text(rootPem)).contains("Signature Algorithm: " + signatureAlgorithm, "CA:TRUE");
    assertThat(OpenSsl.publicKeyOfKey(leaf.privateKeyPem()))
        .isEqualTo(OpenSsl.publicKeyOfCert(leaf.certificateChainPem()));
  }

  /**
   * The production path: the root read back from its Secret is a BouncyCastle key, which the native provider
   * converts once and then signs every leaf with.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndKeys")
  void aRootReadFromItsStoredPemSignsThroughTheProvider(
      String providerName, KeySpec key, String publicKeyAlgorithm, String signatureAlgorithm) throws Exception {
    CryptoProvider crypto = provider(providerName);
    CaBundle stored = CaBundleCodec.decode(CaBundleCodec.encode(
        RootCertificateFactory.create(key, TestCa.ROOT_VALIDITY, Instant.now(), TestCa.CLOCK_SKEW)), "test",
        Instant.now());
    TresorIssuer issuer = new TresorIssuer(stored, Clock.systemUTC(), TestCa.CLOCK_SKEW, crypto);

    String rootPem = Pem.encode(stored.certificate());
    for (int i = 0; i < 3; i++) {
      Certificate leaf = issuer.issue(spec(key));
      assertThat(OpenSsl.verify(rootPem, leaf.certificateChainPem())).isEqualToIgnoringWhitespace("leaf.pem: OK");
      assertThat(OpenSsl.text(leaf.certificateChainPem())).contains("Signature Algorithm: " + signatureAlgorithm);
    }
  }

  private static CryptoProvider provider(String name) throws Exception {
    if (name.equals("bouncycastle")) {
      return CryptoProviders.BOUNCYCASTLE;
    }
    NativeCrypto.assumeShippedForThisPlatform();
    return new CryptoProviderSelector(new CorrettoProviderLoader()).select(CryptoProviderChoice.ACCP).provider();
  }

  private static CertificateSpec spec(KeySpec key) {
    return new MeshCertificateSpecs("cluster.local", "osm-system", VALIDITY, key)
        .service(new ServiceIdentity("bookbuyer", "bookstore"));
  }
}

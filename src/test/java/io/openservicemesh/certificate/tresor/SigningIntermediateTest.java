package io.openservicemesh.certificate.tresor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.KeyPairs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.X509Builders;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CryptoProviders;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.TestCa;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.Test;

/**
 * A bring-your-own CA bundle of a signing intermediate and its root (the enterprise case): leaves are signed by
 * the intermediate and carry it in their chain, peers trust the root alone, and a bundle whose chain does not
 * reach a root is refused with what to fix.
 */
class SigningIntermediateTest {

  private static final Instant NOW = Instant.now();
  private final CaBundle root = TestCa.ecRoot();
  private final KeyPair intermediateKey = KeyPairs.generate(KeySpec.ECDSA_P256);
  private final X509Certificate intermediate = intermediate(root, intermediateKey);

  @Test
  void leavesAreSignedByTheIntermediateAndChainToTheRoot() throws Exception {
    String caCrt = Pem.encode(List.of(intermediate, root.certificate()));
    StoredCaBundle stored = new StoredCaBundle(caCrt, Pem.encodePrivateKey(intermediateKey.getPrivate()), null);

    CaBundle bundle = CaBundleCodec.decode(stored, "test", NOW);
    TresorIssuer issuer = new TresorIssuer(bundle, Clock.systemUTC(), Duration.ofMinutes(1));
    Certificate leaf = issuer.issue(new CertificateSpec(CertificateKind.SERVICE, "bookstore.bookstore.cluster.local",
        List.of("bookstore.bookstore.cluster.local"), List.of(), Duration.ofHours(1), KeySpec.ECDSA_P256));

    assertThat(bundle.trustAnchor()).isEqualTo(root.certificate());
    assertThat(leaf.chain()).containsExactly(leaf.leaf(), intermediate);
    assertThat(Pem.decodeCertificates(issuer.trustedCasPem())).containsExactly(root.certificate());
    OpenSsl.verifyWithIntermediates(TestCa.ecRootPem(), Pem.encode(intermediate), Pem.encode(leaf.leaf()));
    assertThat(CaBundleCodec.encode(bundle).caCrt()).as("written back whole").isEqualTo(caCrt);
  }

  @Test
  void aChainThatDoesNotReachItsRootIsRefused() {
    String caCrt = Pem.encode(List.of(intermediate, TestCa.otherEcRoot().certificate()));
    StoredCaBundle stored = new StoredCaBundle(caCrt, Pem.encodePrivateKey(intermediateKey.getPrivate()), null);

    assertThatThrownBy(() -> CaBundleCodec.decode(stored, "test", NOW))
        .isInstanceOfSatisfying(BrokenCaBundleException.class, e -> assertThat(e.problems())
            .containsExactly("certificate 1 of ca.crt is not signed by certificate 2: list the signing CA first,"
                + " then each issuer up to the root"));
  }

  private static X509Certificate intermediate(CaBundle root, KeyPair key) {
    X500Name issuer = X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder = X509Builders.builder(issuer, X509Builders.subject("mesh-intermediate.example"),
        NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(365)), key.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              X509Builders.extensionUtils().createSubjectKeyIdentifier(key.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              X509Builders.extensionUtils().createAuthorityKeyIdentifier(root.certificate()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return X509Builders.sign(builder, root.privateKey(), CryptoProviders.BOUNCYCASTLE);
  }
}

package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Pem;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * Which chains lead to a root, link by link, with certificates made here with BouncyCastle: a root and a
 * replacement with the same name, and an intermediate, as CAs other than the built-in one issue.
 */
class IssuedByRootTest {

  private static final AtomicLong SERIALS = new AtomicLong(1);
  private static final X500Name ROOT_NAME = new X500Name("CN=mesh root,O=example");

  private final Ca root = Ca.selfSigned(ROOT_NAME);
  private final Ca replacement = Ca.selfSigned(ROOT_NAME);
  private final Ca intermediate = root.signCa(new X500Name("CN=mesh intermediate,O=example"));

  @Test
  void aLeafSignedByTheRootIsIssuedByItAndNotByTheReplacementOfTheSameName() throws Exception {
    String chain = Pem.encode(root.signLeaf());

    assertThat(new IssuedByRoot(root.certificate).test(chain)).isTrue();
    assertThat(new IssuedByRoot(replacement.certificate).test(chain)).isFalse();
  }

  @Test
  void aLeafThroughAnIntermediateOfTheSameChainIsIssuedByTheRoot() throws Exception {
    String chain = Pem.encode(List.of(intermediate.signLeaf(), intermediate.certificate));
    String chainWithRoot = Pem.encode(List.of(intermediate.signLeaf(), intermediate.certificate, root.certificate));

    assertThat(new IssuedByRoot(root.certificate).test(chain)).isTrue();
    assertThat(new IssuedByRoot(root.certificate).test(chainWithRoot)).isTrue();
    assertThat(new IssuedByRoot(replacement.certificate).test(chain)).isFalse();
  }

  @Test
  void aChainMissingItsIntermediateOrWithABrokenLinkIsNot() throws Exception {
    Ca impostor = replacement.signCa(intermediate.name);
    X509Certificate leafOfImpostor = impostor.signLeaf();

    assertThat(new IssuedByRoot(root.certificate).test(Pem.encode(intermediate.signLeaf()))).isFalse();
    assertThat(new IssuedByRoot(root.certificate).test(Pem.encode(List.of(leafOfImpostor, intermediate.certificate))))
        .as("the leaf names the intermediate but another key signed it").isFalse();
  }

  @Test
  void nothingOrAnUnreadableChainIsNotIssuedByAnyRoot() {
    IssuedByRoot issuedBy = new IssuedByRoot(root.certificate);

    assertThat(issuedBy.test(null)).isFalse();
    assertThat(issuedBy.test("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")).isFalse();
    assertThat(issuedBy.describeRoot()).isEqualTo("a certificate issued by root "
        + root.certificate.getSubjectX500Principal().getName() + " (serial "
        + root.certificate.getSerialNumber().toString(16) + ")");
  }

  /** A CA made here: its name, key and certificate. */
  private record Ca(X500Name name, KeyPair keys, X509Certificate certificate) {

    static Ca selfSigned(X500Name name) {
      KeyPair keys = newKeys();
      return new Ca(name, keys, sign(name, keys, name, keys.getPublic(), true));
    }

    Ca signCa(X500Name subject) {
      KeyPair subjectKeys = newKeys();
      return new Ca(subject, subjectKeys, sign(name, keys, subject, subjectKeys.getPublic(), true));
    }

    X509Certificate signLeaf() {
      return sign(name, keys, new X500Name("CN=bookbuyer.bookstore.cluster.local"), newKeys().getPublic(), false);
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject,
        PublicKey subjectKey, boolean ca) {
      try {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
            BigInteger.valueOf(SERIALS.getAndIncrement()), Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofDays(1))), subject, subjectKey);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
      } catch (Exception e) {
        throw new AssertionError("cannot make a test certificate", e);
      }
    }

    private static KeyPair newKeys() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
      } catch (Exception e) {
        throw new AssertionError("no P-256 key pair", e);
      }
    }
  }
}

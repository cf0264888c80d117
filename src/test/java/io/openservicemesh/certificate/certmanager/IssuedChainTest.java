package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.IssuedChain;

import io.openservicemesh.certificate.KeyPairs;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.IssuedChain.UnusableCertificateException;
import io.openservicemesh.certificate.IssuedChain.VerifiedChain;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IssuedChainTest {

  private static SigningCa root;
  private static SigningCa intermediate;
  private static KeyPair keys;

  @BeforeAll
  static void cas() throws Exception {
    root = SigningCa.root("chain test root");
    intermediate = SigningCa.withIntermediate("chain test root 2");
    keys = KeyPairs.generate(KeySpec.ECDSA_P256);
  }

  private static X509Certificate leaf(SigningCa ca, KeyPair forKeys) throws Exception {
    return ca.sign(new X500Name("CN=bookstore.bookstore.cluster.local"), forKeys.getPublic(), null,
        new KeyUsage(KeyUsage.digitalSignature), null, Duration.ofHours(1));
  }

  @Test
  void aLeafOfTheRootIsServedAloneAndTheRootIsItsIssuer() throws Exception {
    X509Certificate leaf = leaf(root, keys);

    VerifiedChain chain = IssuedChain.verify(List.of(leaf), List.of(root.root()), keys.getPublic(),
        List.of(root.root()), Instant.now());

    assertThat(chain.served()).containsExactly(leaf);
    assertThat(chain.root()).isEqualTo(root.root());
    assertThat(chain.issuingCa()).isEqualTo(root.root());
  }

  @Test
  void intermediatesFromTheCertificateFieldAreServedUpToTheRoot() throws Exception {
    X509Certificate leaf = leaf(intermediate, keys);
    List<X509Certificate> issued = intermediate.chainFor(leaf);

    VerifiedChain chain = IssuedChain.verify(issued, List.of(), keys.getPublic(),
        List.of(root.root(), intermediate.root()), Instant.now());

    assertThat(chain.served()).containsExactlyElementsOf(issued);
    assertThat(chain.issuingCa()).isEqualTo(issued.get(1));
  }

  @Test
  void anIntermediateGivenOnlyAsTheCaIsAddedToTheServedChain() throws Exception {
    X509Certificate leaf = leaf(intermediate, keys);
    X509Certificate intermediateCert = intermediate.chainFor(leaf).get(1);

    VerifiedChain chain = IssuedChain.verify(List.of(leaf), List.of(intermediateCert), keys.getPublic(),
        List.of(intermediate.root()), Instant.now());

    assertThat(chain.served()).containsExactly(leaf, intermediateCert);
  }

  @Test
  void aLeafOfAnotherCaIsRefusedNamingBothSides() throws Exception {
    X509Certificate leaf = leaf(SigningCa.root("someone else"), keys);

    assertThatThrownBy(() -> IssuedChain.verify(List.of(leaf), List.of(), keys.getPublic(), List.of(root.root()),
        Instant.now()))
        .isInstanceOf(UnusableCertificateException.class)
        .hasMessageContaining("issuer CN=someone else")
        .hasMessageContaining("does not chain to the mesh root (CN=chain test root)");
  }

  @Test
  void aLeafWithAnotherKeyIsRefused() throws Exception {
    X509Certificate leaf = leaf(root, KeyPairs.generate(KeySpec.ECDSA_P256));

    assertThatThrownBy(() -> IssuedChain.verify(List.of(leaf), List.of(), keys.getPublic(), List.of(root.root()),
        Instant.now()))
        .isInstanceOf(UnusableCertificateException.class)
        .hasMessageContaining("does not carry the public key of the request");
  }

  @Test
  void anIssuerClockAheadOfOursDoesNotMakeAFreshLeafInvalid() throws Exception {
    X509Certificate leaf = leaf(root, keys);

    VerifiedChain chain = IssuedChain.verify(List.of(leaf), List.of(), keys.getPublic(), List.of(root.root()),
        leaf.getNotBefore().toInstant().minusSeconds(5));

    assertThat(chain.served()).containsExactly(leaf);
  }
}

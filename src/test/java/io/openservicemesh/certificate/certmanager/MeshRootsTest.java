package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.KeyPairs;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MeshRootsTest {

  private static final String HINT = "kubectl create secret -n osm-system generic osm-ca-bundle --from-file ca.crt";

  private static SigningCa first;
  private static SigningCa second;

  @BeforeAll
  static void cas() throws Exception {
    first = SigningCa.root("first root");
    second = SigningCa.root("second root");
  }

  /** The Secret as the store returns it; empty when absent. */
  private static CaBundleStore secret(StoredCaBundle bundle) {
    return new CaBundleStore() {
      @Override
      public String location() {
        return "Secret osm-system/osm-ca-bundle";
      }

      @Override
      public Optional<StoredCaBundle> load() {
        return Optional.ofNullable(bundle);
      }

      @Override
      public StoredCaBundle createIfAbsent(StoredCaBundle ignored) {
        throw new AssertionError("the cert-manager issuer never writes the CA bundle");
      }
    };
  }

  private static MeshRoots load(StoredCaBundle bundle) throws Exception {
    return MeshRoots.load(secret(bundle), "osm-system", "osm-ca-bundle", Instant.now());
  }

  @Test
  void aMissingSecretAsksForTheMissionsCommand() {
    assertThatThrownBy(() -> load(null))
        .isInstanceOf(MeshRoots.UnavailableException.class)
        .hasMessage("Secret osm-system/osm-ca-bundle does not exist. Store the root CA certificate of your"
            + " cert-manager issuer in it, at the key ca.crt: " + HINT);
  }

  @Test
  void aSecretWithoutCaCrtSaysSoAndHowToReplaceIt() {
    assertThatThrownBy(() -> load(new StoredCaBundle(null, null, null)))
        .isInstanceOf(MeshRoots.UnavailableException.class)
        .hasMessageContaining("key ca.crt is missing")
        .hasMessageContaining("kubectl delete secret -n osm-system osm-ca-bundle, then " + HINT)
        .hasMessageNotContaining("new root CA");
  }

  @Test
  void aLeafInCaCrtIsRefused() throws Exception {
    String leaf = FakeCertManager.pem(List.of(first.sign(new X500Name("CN=not a ca"),
        KeyPairs.generate(KeySpec.ECDSA_P256).getPublic(), null, new KeyUsage(KeyUsage.digitalSignature), null,
        Duration.ofHours(1))));

    assertThatThrownBy(() -> load(new StoredCaBundle(leaf, null, null)))
        .hasMessageContaining("is not a CA");
  }

  @Test
  void everyRootOfCaCrtIsTrusted() throws Exception {
    String both = FakeCertManager.pem(List.of(first.root(), second.root()));

    MeshRoots roots = load(new StoredCaBundle(both, null, null));

    assertThat(roots.certificates()).containsExactly(first.root(), second.root());
    assertThat(roots.pem()).isEqualTo(both);
    assertThat(roots.first()).isEqualTo(first.root());
    assertThat(roots.location()).isEqualTo("Secret osm-system/osm-ca-bundle");
  }

  @Test
  void aBrokenSecondRootIsNamedByPosition() throws Exception {
    String leaf = FakeCertManager.pem(List.of(first.sign(new X500Name("CN=not a ca"),
        KeyPairs.generate(KeySpec.ECDSA_P256).getPublic(), null, new KeyUsage(KeyUsage.digitalSignature), null,
        Duration.ofHours(1))));

    assertThatThrownBy(() -> load(new StoredCaBundle(FakeCertManager.pem(List.of(first.root())) + leaf, null, null)))
        .hasMessageContaining("(certificate 2 of ca.crt)");
  }
}

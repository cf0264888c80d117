package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.rootchange.RootSource.RefusedRootsException;
import io.openservicemesh.certificate.store.PublicCaBundleStore.PublicBundleWrite;
import io.openservicemesh.certificate.store.LocalDirectoryCaBundleStore;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.testing.LogCapture;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roots Vault names come from its CA and issuer endpoints, the default issuer's first, and what the mesh
 * trusts of them is published without a key.
 */
class VaultTrustTest {

  @TempDir Path temp;
  private VaultFixture vault;

  @BeforeEach
  void startVault() throws Exception {
    vault = new VaultFixture(temp);
  }

  @AfterEach
  void stopVault() {
    vault.close();
  }

  private LocalDirectoryCaBundleStore store() {
    return new LocalDirectoryCaBundleStore(temp.resolve("ca-bundle"));
  }

  @Test
  void publishesVaultsRootWithItsExpirationAndNoKey() throws Exception {
    VaultTrust trust = vault.trust(vault.client());

    assertThat(trust.refresh()).containsExactly(vault.pki.root());
    assertThat(trust.publish(trust.named())).isEqualTo(PublicBundleWrite.CREATED);

    StoredCaBundle stored = store().load().orElseThrow();
    assertThat(stored.caCrt()).isEqualTo(TestPkiMount.pem(vault.pki.root()));
    assertThat(stored.privateKey()).isNull();
    assertThat(stored.expiration())
        .isEqualTo(StoredCaBundle.EXPIRATION_FORMAT.format(vault.pki.root().getNotAfter().toInstant()));
    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh")).as("no throw-away issuance").isEmpty();
    assertThat(trust.publish(trust.named())).isEqualTo(PublicBundleWrite.UNCHANGED);
  }

  @Test
  void aRootAddedBesideTheDefaultIsNamedAfterItAndFirstOnceItIsMadeTheDefault() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    X509Certificate current = trust.refresh().get(0);

    // vault write pki/root/generate/internal common_name=osm.root.2 issuer_name=next (not made the default)
    vault.pki.generateIssuer("next", "osm.root.2", Duration.ofDays(3650), vault.clock.instant());
    X509Certificate next = vault.pki.issuer("next").certificate();
    assertThat(trust.refresh()).as("trusted before it signs").containsExactly(current, next);

    // vault write pki/config/issuers default=next
    vault.pki.makeDefault("next");
    assertThat(trust.refresh()).as("the one that signs first").containsExactly(next, current);

    // vault delete pki/issuer/<the old one>
    vault.pki.deleteIssuer(vault.pki.issuers().get(0).name());
    assertThat(trust.refresh()).containsExactly(next);
  }

  @Test
  void anOlderVaultWithoutIssuersNamesTheDefaultIssuersRootsAlone() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    vault.server.failNext("pki/issuers", 1, 404);

    assertThat(trust.refresh()).containsExactly(vault.pki.root());
  }

  @Test
  void vaultIsReadAgainOnlyOnceTheRefreshIntervalHasPassed() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    trust.refresh();
    X509Certificate before = vault.pki.root();

    vault.pki.generateRoot("osm.root.2", Duration.ofDays(3650), vault.clock.instant());
    vault.clock.advance(VaultFixture.CA_REFRESH_INTERVAL.minusSeconds(1));
    trust.maintain();
    assertThat(trust.named()).as("not yet time to look").containsExactly(before);

    vault.clock.advance(Duration.ofSeconds(1));
    trust.maintain();

    assertThat(trust.named()).containsExactly(vault.pki.root());
    assertThat(trust.roots()).containsExactly(vault.pki.root());
  }

  @Test
  void anAnswerThatIsNotPemIsRefusedAndTheRootsReadBeforeStay() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    trust.refresh();
    vault.server.respondNext("pki/ca/pem", 200, "not a certificate");

    assertThatThrownBy(trust::refresh).isInstanceOf(VaultException.class);

    assertThat(trust.named()).containsExactly(vault.pki.root());
    assertThatThrownBy(trust::roots).isInstanceOf(RefusedRootsException.class)
        .hasMessageContaining("not PEM certificates");
    trust.refresh();
    assertThat(trust.roots()).containsExactly(vault.pki.root());
  }

  @Test
  void aVaultAwayAtRefreshKeepsTheRootsInUse() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    trust.refresh();
    List<X509Certificate> before = trust.named();
    vault.server.close();

    try (LogCapture log = LogCapture.controlPlane()) {
      vault.clock.advance(VaultFixture.CA_REFRESH_INTERVAL);
      trust.maintain();

      assertThat(trust.named()).isEqualTo(before);
      assertThat(log.messages(Level.WARNING)).anySatisfy(m -> assertThat(m)
          .startsWith("could not re-read Vault's CA for mount pki (the roots in use stay trusted"));
    }
  }

  @Test
  void anIntermediateWhoseRootIsOutsideVaultIsTheAnchorWithAWarning() throws Exception {
    vault.pki.intermediate("osm intermediate", vault.clock.instant(), false);
    VaultTrust trust = vault.trust(vault.client());

    try (LogCapture log = LogCapture.controlPlane()) {
      trust.refresh();

      assertThat(trust.named()).containsExactly(vault.pki.issuingCa());
      assertThat(log.messages(Level.WARNING)).anySatisfy(m -> assertThat(m)
          .contains("which is not a self-signed root").contains("import the root into the mount"));
    }
  }
}

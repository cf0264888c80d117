package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.PublicCaBundleStore.PublicBundleWrite;
import io.openservicemesh.certificate.store.LocalDirectoryCaBundleStore;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mesh's roots come from Vault's CA endpoints and are published without a key. */
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

    assertThat(trust.refresh()).isEqualTo(PublicBundleWrite.CREATED);

    StoredCaBundle stored = store().load().orElseThrow();
    assertThat(stored.caCrt()).isEqualTo(TestPkiMount.pem(vault.pki.root()));
    assertThat(stored.privateKey()).isNull();
    assertThat(stored.expiration())
        .isEqualTo(StoredCaBundle.EXPIRATION_FORMAT.format(vault.pki.root().getNotAfter().toInstant()));
    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh")).as("no throw-away issuance").isEmpty();
    assertThat(trust.refresh()).isEqualTo(PublicBundleWrite.UNCHANGED);
  }

  @Test
  void aRotatedVaultCaIsPublishedAndThePreviousRootStaysTrusted() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    trust.refresh();
    String before = TestPkiMount.pem(vault.pki.root());

    vault.pki.generateRoot("osm.root.2", Duration.ofDays(3650), vault.clock.instant());
    vault.clock.advance(VaultFixture.CA_REFRESH_INTERVAL.minusSeconds(1));
    trust.maintain();
    assertThat(trust.trustedCasPem()).as("not yet time to look").isEqualTo(before);

    vault.clock.advance(Duration.ofSeconds(1));
    trust.maintain();

    String after = TestPkiMount.pem(vault.pki.root());
    assertThat(trust.trustedCasPem()).isEqualTo(after + before);
    assertThat(store().load().orElseThrow().caCrt()).isEqualTo(after + before);
    assertThat(Pem.decodeCertificates(trust.trustedCasPem())).hasSize(2);
  }

  @Test
  void theChangeIsToldOnceNotAtEveryRefreshThatKeepsThePreviousRoot() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    trust.refresh();
    vault.pki.generateRoot("osm.root.2", Duration.ofDays(3650), vault.clock.instant());

    try (LogCapture log = LogCapture.of(VaultTrust.class)) {
      for (int i = 0; i < 3; i++) {
        trust.refresh();
      }

      assertThat(log.messages(Level.WARNING)).filteredOn(m -> m.contains("stays trusted until it expires")).hasSize(1);
      assertThat(Pem.decodeCertificates(trust.trustedCasPem())).hasSize(2);
    }
  }

  @Test
  void aVaultAwayAtRefreshKeepsTheRootsInUse() throws Exception {
    VaultTrust trust = vault.trust(vault.client());
    trust.refresh();
    String before = trust.trustedCasPem();
    vault.server.close();

    try (LogCapture log = LogCapture.controlPlane()) {
      vault.clock.advance(VaultFixture.CA_REFRESH_INTERVAL);
      trust.maintain();

      assertThat(trust.trustedCasPem()).isEqualTo(before);
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

      assertThat(trust.trustedCasPem()).isEqualTo(TestPkiMount.pem(vault.pki.issuingCa()));
      assertThat(log.messages(Level.WARNING)).anySatisfy(m -> assertThat(m)
          .contains("which is not a self-signed root").contains("import the root into the mount"));
    }
  }
}

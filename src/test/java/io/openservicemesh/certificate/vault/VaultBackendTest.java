package io.openservicemesh.certificate.vault;

import io.openservicemesh.crypto.CryptoProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.store.LocalDirectoryCaBundleStore;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.config.IssuerBackendKind;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.KubernetesConnection.Connected;
import io.openservicemesh.certificate.StartedIssuer;
import io.openservicemesh.certificate.StartupException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend from settings to a started issuer, standalone (the CA certificate goes to a local directory). */
class VaultBackendTest {

  /** No Kubernetes API: standalone mode. */
  private static final class NoKubernetes extends KubernetesApi {
    @Override
    public synchronized Optional<Connected> connection() {
      return Optional.empty();
    }
  }

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

  private MeshSettings settings(String... extra) {
    Map<String, String> values = new HashMap<>();
    values.put("OpenServiceMesh.certificateManager", "vault");
    values.put("OpenServiceMesh.vault.host", "127.0.0.1");
    values.put("OpenServiceMesh.vault.port", Integer.toString(vault.server.port()));
    values.put("OpenServiceMesh.vault.protocol", "http"); // the test server speaks plain HTTP
    values.put("OpenServiceMesh.localCaBundleDirectory", temp.resolve("standalone-ca").toString());
    values.put("OpenServiceMesh.serviceCertValidityDuration", "1h");
    for (int i = 0; i < extra.length; i += 2) {
      values.put(extra[i], extra[i + 1]);
    }
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
  }

  private VaultBackend backend() {
    return new VaultBackend(new NoKubernetes(), vault.clock, () -> VaultFixture.UNIFORM, vault.sleeper);
  }

  @Test
  void startsFromSettingsPublishesTheRootAndIssues() throws Exception {
    String token = vault.issuingToken(Duration.ofHours(1), Duration.ofHours(24));
    VaultBackend backend = backend();

    StartedIssuer started =
        backend.start(settings("OpenServiceMesh.vault.token", token), CryptoProviders.BOUNCYCASTLE);

    assertThat(backend.kind()).isEqualTo(IssuerBackendKind.VAULT);
    assertThat(started.caDetails())
        .containsEntry("caOrigin", "vault")
        .containsEntry("caSubject", "CN=osm.root")
        .containsEntry("caSerial", vault.pki.root().getSerialNumber().toString(16))
        .containsEntry("vaultAddress", "http://127.0.0.1:" + vault.server.port())
        .containsEntry("vaultIssuePath", "/v1/pki/issue/openservicemesh")
        .containsEntry("vaultAuth", "static token (OpenServiceMesh.vault.token)")
        .containsEntry("tokenRenewable", "true");
    assertThat(started.caDetails().values()).noneMatch(v -> v.contains(token));
    StoredCaBundle published = new LocalDirectoryCaBundleStore(temp.resolve("standalone-ca")).load().orElseThrow();
    assertThat(published.caCrt()).isEqualTo(TestPkiMount.pem(vault.pki.root()));
    assertThat(published.privateKey()).isNull();

    MeshCertificateSpecs specs = new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(1),
        io.openservicemesh.config.KeySpec.ECDSA_P256);
    Certificate certificate = started.issuer().issue(specs.service(new ServiceIdentity("bookbuyer", "bookstore")));
    assertThat(certificate.commonName()).isEqualTo("bookbuyer.bookstore.cluster.local");
    assertThat(backend.tokenStatus()).hasValueSatisfying(r -> assertThat(r.usable()).isTrue());
  }

  @Test
  void theTimerRenewsTheTokenAndReadinessFollowsIt() throws Exception {
    String token = vault.issuingToken(Duration.ofMinutes(3), Duration.ofMinutes(4));
    VaultBackend backend = backend();
    backend.start(settings("OpenServiceMesh.vault.token", token), CryptoProviders.BOUNCYCASTLE);

    vault.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    backend.maintain();
    assertThat(vault.server.requests("POST", "auth/token/renew-self")).hasSize(1);

    vault.clock.advance(Duration.ofMinutes(2));
    backend.maintain();
    assertThat(backend.tokenStatus()).hasValueSatisfying(r -> {
      assertThat(r.usable()).isFalse();
      assertThat(r.reason()).contains("the Vault token expired at");
    });
  }

  @Test
  void aBadTokenFailsStartUpRetryablyWithVaultsAnswer() {
    VaultBackend backend = backend();

    assertThatThrownBy(() -> backend.start(settings("OpenServiceMesh.vault.token", "hvs.not-a-token"),
        CryptoProviders.BOUNCYCASTLE))
        .isInstanceOfSatisfying(StartupException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage())
              .startsWith("cannot authenticate to Vault at http://127.0.0.1:" + vault.server.port()
                  + " with static token (OpenServiceMesh.vault.token): GET /v1/auth/token/lookup-self: Vault"
                  + " answered 403 with errors [permission denied]")
              .doesNotContain("hvs.not-a-token");
        });
    assertThat(backend.tokenStatus()).isEmpty();
  }

  @Test
  void aMountWithoutCaFailsStartUpSayingHowToMakeOne() {
    vault.server.enablePki("empty");
    String token = vault.issuingToken(Duration.ofHours(1), Duration.ZERO);

    assertThatThrownBy(() -> backend().start(settings("OpenServiceMesh.vault.token", token,
            "OpenServiceMesh.vault.pkiMount", "empty"), CryptoProviders.BOUNCYCASTLE))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("the PKI mount empty has no CA certificate")
        .hasMessageContaining("vault write empty/root/generate/internal");
  }

  @Test
  void aMissingCaFileFailsStartUpNamingTheSetting() {
    Path missing = temp.resolve("nope.pem");

    assertThatThrownBy(() -> backend().start(settings("OpenServiceMesh.vault.token", "t",
            "OpenServiceMesh.vault.protocol", "https", "OpenServiceMesh.vault.caFile", missing.toString()), CryptoProviders.BOUNCYCASTLE))
        .isInstanceOf(StartupException.class)
        .hasMessage("OpenServiceMesh.vault.caFile: " + missing + " does not exist");
  }
}

package io.openservicemesh.it;

import io.openservicemesh.crypto.CryptoProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.Crypto;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.vault.TestPkiMount;
import io.openservicemesh.certificate.vault.TestPkiRole;
import io.openservicemesh.certificate.vault.VaultBackend;
import io.openservicemesh.certificate.vault.VaultTestServer;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.KubernetesConnection.Connected;
import io.openservicemesh.certificate.StartedIssuer;
import io.openservicemesh.certificate.StartupException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vault backend started in process against the Vault test server and the real Kubernetes API: the
 * CA bundle Secret gets Vault's root as ca.crt and its expiration, never a private key; it follows
 * Vault's CA when that changes, is left alone when it does not, and a Secret holding another CA's key
 * is never overwritten.
 */
class VaultBackendIT {

  /** The Kubernetes API of the integration tests, as the control plane would find it. */
  private static final class TestClusterApi extends KubernetesApi {
    @Override
    public synchronized Optional<Connected> connection() {
      return Optional.of(new Connected(TestCluster.client(), "test cluster"));
    }
  }

  private final Clock clock = Clock.systemUTC();
  private VaultTestServer vault;
  private TestPkiMount pki;
  private String token;
  private String namespace;
  private CoreV1Api api;

  @BeforeEach
  void startVault() throws Exception {
    vault = VaultTestServer.start(clock);
    pki = vault.enablePki("pki").tuneMaxLeaseTtl(Duration.ofHours(87_600))
        .generateRoot("osm.root", Duration.ofHours(87_600), clock.instant())
        .role("openservicemesh", TestPkiRole.mesh());
    vault.policy("osm-issuer", "pki/issue/openservicemesh");
    token = vault.createToken(Duration.ofHours(1), Duration.ofHours(24), true, "osm-issuer");
    namespace = "osm-vault-" + UUID.randomUUID().toString().substring(0, 8);
    api = TestCluster.core();
    TestCluster.ensureNamespace(api, namespace);
  }

  @AfterEach
  void stopVault() {
    vault.close();
  }

  private MeshSettings settings() {
    Map<String, String> values = new HashMap<>();
    values.put("OpenServiceMesh.certificateManager", "vault");
    values.put("OpenServiceMesh.osmNamespace", namespace);
    values.put("OpenServiceMesh.vault.host", "127.0.0.1");
    values.put("OpenServiceMesh.vault.port", Integer.toString(vault.port()));
    values.put("OpenServiceMesh.vault.protocol", "http"); // the test server speaks plain HTTP
    values.put("OpenServiceMesh.vault.token", token);
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
  }

  private StartedIssuer start() throws StartupException {
    return new VaultBackend(new TestClusterApi(), clock).start(settings(), CryptoProviders.BOUNCYCASTLE);
  }

  private V1Secret secret() throws Exception {
    return api.readNamespacedSecret(TestCluster.CA_SECRET, namespace).execute();
  }

  private static String text(V1Secret secret, String key) {
    return new String(secret.getData().get(key), StandardCharsets.UTF_8);
  }

  @Test
  void theSecretHoldsVaultsRootAndNoKeyAndCertificatesChainToIt() throws Exception {
    StartedIssuer started = start();

    V1Secret secret = secret();
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "expiration");
    assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "openservicemesh.io");
    X509Certificate root = Pem.decodeCertificate(text(secret, "ca.crt"));
    assertThat(root).isEqualTo(pki.root());
    assertThat(text(secret, "expiration"))
        .isEqualTo(io.openservicemesh.certificate.store.StoredCaBundle.EXPIRATION_FORMAT
            .format(root.getNotAfter().toInstant()));
    assertThat(started.caDetails()).containsEntry("caLocation", "Secret " + namespace + "/osm-ca-bundle");

    MeshCertificateSpecs specs = new MeshCertificateSpecs("cluster.local", namespace, Duration.ofHours(1),
        KeySpec.ECDSA_P256);
    Certificate certificate = started.issuer().issue(specs.service(new ServiceIdentity("bookbuyer", "bookstore")));
    certificate.leaf().verify(root.getPublicKey(), Crypto.PROVIDER);
    assertThat(certificate.trustedCasPem()).isEqualTo(text(secret, "ca.crt"));
  }

  @Test
  void aRestartLeavesTheSecretAloneAndAChangedVaultCaReplacesIt() throws Exception {
    start();
    String firstVersion = secret().getMetadata().getResourceVersion();

    start();
    assertThat(secret().getMetadata().getResourceVersion()).as("same CA: not rewritten").isEqualTo(firstVersion);

    pki.generateRoot("osm.root.2", Duration.ofDays(3650), Instant.now());
    start();

    V1Secret replaced = secret();
    assertThat(replaced.getMetadata().getResourceVersion()).isNotEqualTo(firstVersion);
    assertThat(Pem.decodeCertificate(text(replaced, "ca.crt"))).isEqualTo(pki.root());
    assertThat(replaced.getData()).containsOnlyKeys("ca.crt", "expiration");
  }

  @Test
  void aSecretHoldingAnotherCasKeyIsNeverOverwritten() throws Exception {
    V1Secret tresor = api.createNamespacedSecret(namespace, new V1Secret()
        .metadata(new V1ObjectMeta().name(TestCluster.CA_SECRET))
        .type("Opaque")
        .data(Map.of(
            "ca.crt", "-----BEGIN CERTIFICATE-----\nTRESOR\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.UTF_8),
            "private.key", "-----BEGIN PRIVATE KEY-----\nTRESOR\n-----END PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.UTF_8)))).execute();

    assertThatThrownBy(this::start)
        .isInstanceOfSatisfying(StartupException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage())
              .startsWith("Secret " + namespace + "/osm-ca-bundle holds a private.key")
              .contains("kubectl delete secret -n " + namespace + " osm-ca-bundle");
        });
    assertThat(secret().getMetadata().getResourceVersion()).isEqualTo(tresor.getMetadata().getResourceVersion());
  }

  @Test
  void theServerUnderTestDeploysTheVaultTokenReadinessCheck() throws Exception {
    ServerHealth.Report ready =
        ServerHealth.ofProperty("it.http.port").awaitReadiness(ServerHealth.Report::up, Duration.ofMinutes(2));

    assertThat(ready.check("vault-token")).isPresent();
    assertThat(ready.data("vault-token", "state")).isEqualTo("not in use (the Vault issuer is not running)");
  }

  @Test
  void replicasStartingTogetherPublishOneSecret() throws Exception {
    int replicas = 4;
    CyclicBarrier together = new CyclicBarrier(replicas);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    List<Future<StartedIssuer>> started = new ArrayList<>();
    try {
      for (int i = 0; i < replicas; i++) {
        started.add(pool.submit(() -> {
          VaultBackend backend = new VaultBackend(new TestClusterApi(), clock);
          MeshSettings settings = settings();
          together.await(30, TimeUnit.SECONDS);
          return backend.start(settings, CryptoProviders.BOUNCYCASTLE);
        }));
      }
      for (Future<StartedIssuer> replica : started) {
        assertThat(replica.get(60, TimeUnit.SECONDS).caDetails()).containsEntry("caOrigin", "vault");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(Pem.decodeCertificate(text(secret(), "ca.crt"))).isEqualTo(pki.root());
  }
}

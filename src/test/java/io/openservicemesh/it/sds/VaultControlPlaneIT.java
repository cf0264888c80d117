package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.vault.TestPkiMount;
import io.openservicemesh.certificate.vault.VaultTestServer;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.SdsSecretName;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.it.sds.EnvoyLikeClient.SotwStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Liberty server with Vault as its CA, selected and set up exactly as the mission says, serving an
 * Envoy-like client over SDS. One control plane for both tests (starting one costs 15-30 s here), in order: the
 * second adds a root to Vault, which the first must not see.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultControlPlaneIT {

  private static final String OSM_NAMESPACE = "osm-it-vault";
  /** Vault's CA is re-read every second here; a rotation pass follows within its five seconds. */
  private static final Duration PUSHED_WITHIN = Duration.ofSeconds(45);

  private static VaultTestServer vault;
  private static TestPkiMount pki;
  private static ExtraControlPlane plane;

  @BeforeAll
  static void startVaultAndTheControlPlane() throws Exception {
    TestCluster.ensureNamespace(TestCluster.core(), OSM_NAMESPACE);
    vault = VaultTestServer.start(Clock.systemUTC());
    pki = SdsProbe.missionVault(vault);
    plane = ExtraControlPlane.start(OSM_NAMESPACE, SdsProbe.missionVaultSettings(
        OSM_NAMESPACE, vault, Map.of("OpenServiceMesh_vault_caRefreshInterval", "1s")));
    Report ready = plane.health().awaitReadiness(Report::up, Duration.ofMinutes(2));
    assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    if (plane != null) {
      plane.close();
    }
    if (vault != null) {
      vault.close();
    }
  }

  @Test
  @Order(1)
  void setUpAsTheMissionSaysItIssuesTheServiceCertificateDeliveredOverSds() throws Exception {
    String root = TestPkiMount.pem(pki.root());
    ProxyIdentity proxy = SdsProbe.proxyWithPod("bookbuyer");
    Certificate bootstrap = SdsProbe.vaultIssued(vault.address(), proxy.commonName(), root);

    X509Certificate leaf = SdsProbe.serviceCertificate(plane, OSM_NAMESPACE, proxy, bootstrap, root);

    assertThat(leaf.getSubjectX500Principal().getName())
        .startsWith("CN=bookbuyer." + SdsProbe.PODS + ".cluster.local");
    assertThat(leaf.getIssuerX500Principal().getName()).isEqualTo("CN=osm.root");
    V1Secret published = TestCluster.core().readNamespacedSecret("osm-ca-bundle", OSM_NAMESPACE).execute();
    assertThat(new String(published.getData().get("ca.crt"), StandardCharsets.UTF_8)).isEqualTo(root);
    assertThat(published.getData()).doesNotContainKey("private.key");
  }

  /**
   * A changed trust bundle reaches a live SDS stream: when Vault's CA gains a new root, the open stream receives
   * its validation context again, unasked, with the new root beside the old one. Until then a proxy would refuse
   * peers whose certificates the new root signed.
   */
  @Test
  @Order(2)
  void aRootVaultAddsIsPushedToAnOpenStreamAsItsValidationContext() throws Exception {
    X509Certificate firstRoot = pki.root();
    String root = TestPkiMount.pem(firstRoot);
    ProxyIdentity proxy = SdsProbe.proxyWithPod("bookwarehouse");
    Certificate bootstrap = SdsProbe.vaultIssued(vault.address(), proxy.commonName(), root);

    try (EnvoyLikeClient client = EnvoyLikeClient.connect(plane.sdsPort(), bootstrap, root, OSM_NAMESPACE)) {
      String inbound = SdsSecretName.inboundValidation(proxy.service()).toString();
      SotwStream stream = client.streamSecrets();
      stream.send(EnvoyLikeClient.request(proxy.commonName(), List.of(inbound)).build());
      DiscoveryResponse first = stream.next();
      assertThat(trustedRoots(first)).containsExactly(firstRoot);
      stream.send(EnvoyLikeClient.request(null, List.of(inbound))
          .setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());

      X509Certificate secondRoot = pki.generateRoot("osm.root.2", Duration.ofHours(87_600), Instant.now()).root();
      DiscoveryResponse pushed = stream.next(PUSHED_WITHIN);

      assertThat(pushed.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
      assertThat(pushed.getNonce()).isNotEqualTo(first.getNonce());
      assertThat(trustedRoots(pushed)).as("the new root first, the old one still trusted")
          .containsExactly(secondRoot, firstRoot);
    }
  }

  private static List<X509Certificate> trustedRoots(DiscoveryResponse response) throws Exception {
    assertThat(response.getResourcesList()).hasSize(1);
    Secret secret = response.getResources(0).unpack(Secret.class);
    return Pem.decodeCertificates(secret.getValidationContext().getTrustedCa().getInlineString());
  }
}

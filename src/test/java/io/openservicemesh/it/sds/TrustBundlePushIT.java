package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
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
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A changed trust bundle reaches a live SDS stream: when Vault's CA gains a new root, a proxy's open stream
 * receives its validation context again, unasked, with the new root beside the old one. Until then a proxy would
 * refuse peers whose certificates the new root signed.
 */
class TrustBundlePushIT {

  private static final Duration READY_WITHIN = Duration.ofMinutes(2);
  /** Vault's CA is re-read every second here; a rotation pass follows within its five seconds. */
  private static final Duration PUSHED_WITHIN = Duration.ofSeconds(45);

  @Test
  void aRootVaultAddsIsPushedToAnOpenStreamAsItsValidationContext() throws Exception {
    String osmNamespace = "osm-it-trust-push";
    TestCluster.ensureNamespace(TestCluster.core(), osmNamespace);
    try (VaultTestServer vault = VaultTestServer.start(Clock.systemUTC())) {
      TestPkiMount pki = SdsProbe.missionVault(vault);
      X509Certificate firstRoot = pki.root();
      String root = TestPkiMount.pem(firstRoot);

      try (ExtraControlPlane plane = ExtraControlPlane.start(osmNamespace, SdsProbe.missionVaultSettings(
          osmNamespace, vault, Map.of("OpenServiceMesh_vault_caRefreshInterval", "1s")))) {
        Report ready = plane.health().awaitReadiness(Report::up, READY_WITHIN);
        assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
        ProxyIdentity proxy = SdsProbe.proxyWithPod("bookwarehouse");
        Certificate bootstrap = SdsProbe.vaultIssued(vault.address(), proxy.commonName(), root);
        
        try (EnvoyLikeClient client = EnvoyLikeClient.connect(plane.sdsPort(), bootstrap, root, osmNamespace)) {
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
    }
  }

  private static List<X509Certificate> trustedRoots(DiscoveryResponse response) throws Exception {
    assertThat(response.getResourcesList()).hasSize(1);
    Secret secret = response.getResources(0).unpack(Secret.class);
    return Pem.decodeCertificates(secret.getValidationContext().getTrustedCa().getInlineBytes().toStringUtf8());
  }
}

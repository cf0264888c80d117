package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.testing.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A certificate manager selected the way a user selects it, through configuration only: a real Liberty server
 * started with the settings as environment variables, then a certificate fetched over SDS by an Envoy-like client
 * whose bootstrap certificate comes from that CA. Vault is {@link VaultControlPlaneIT}, cert-manager
 * {@code CertManagerSelectedByConfigurationIT}.
 */
class BackendsSelectedByConfigurationIT {

  private static final String PODS = SdsProbe.PODS;
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);

  private final CoreV1Api api = TestCluster.core();

  @Test
  void tresorKeepsItsRootUnderACustomCaBundleSecretNameAndServesOverSds() throws Exception {
    String osmNamespace = "osm-it-custom-ca";
    TestCluster.ensureNamespace(api, osmNamespace);
    TestCluster.forgetMesh(TestCluster.client(), osmNamespace, "my-secret-name");
    try (ExtraControlPlane plane = ExtraControlPlane.start(osmNamespace, Map.of(
        "OpenServiceMesh_osmNamespace", osmNamespace,
        "CERT_MANAGER", "tresor",
        "OpenServiceMesh_caBundleSecretName", "my-secret-name"))) {
      Report ready = awaitReady(plane);
      V1Secret secret = api.readNamespacedSecret("my-secret-name", osmNamespace).execute();
      assertThat(secret.getData()).containsOnlyKeys("ca.crt", "expiration", "private.key");
      assertThat(api.listNamespacedSecret(osmNamespace).execute().getItems())
          .extracting(s -> s.getMetadata().getName()).doesNotContain("osm-ca-bundle");
      assertThat(ready.data("certificate-authority", "caLocation")).contains("my-secret-name");
      String root = new String(secret.getData().get("ca.crt"), StandardCharsets.UTF_8);
      TresorIssuer ca = new TresorIssuer(CaBundleCodec.decode(new StoredCaBundle(root,
          new String(secret.getData().get("private.key"), StandardCharsets.UTF_8), null), "test", Instant.now()),
          Clock.systemUTC(), Duration.ofMinutes(1));
      ProxyIdentity proxy = SdsProbe.proxyWithPod("bookstore");
      Certificate bootstrap = ca.issue(new MeshCertificateSpecs("cluster.local", osmNamespace, Duration.ofHours(1),
          KeySpec.ECDSA_P256).xdsBootstrap(proxy));

      X509Certificate leaf = SdsProbe.serviceCertificate(plane, osmNamespace, proxy, bootstrap, root);

      assertThat(leaf.getSubjectX500Principal().getName()).startsWith("CN=bookstore." + PODS + ".cluster.local");
      OpenSsl.verify(root, Pem.encode(leaf));
    }
  }

  private static Report awaitReady(ExtraControlPlane plane) throws Exception {
    Report report = plane.health().awaitReadiness(Report::up, READY_WITHIN);
    assertThat(report.up()).as("readiness of the started control plane: %s\n%s", report.body(), plane.log()).isTrue();
    return report;
  }
}

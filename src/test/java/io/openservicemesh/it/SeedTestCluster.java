package io.openservicemesh.it;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Prepares the cluster before the control planes under test start (pre-integration-test): a clean OSM
 * namespace without a CA Secret, and a second namespace whose CA Secret pairs a CA certificate with the key of
 * another CA. The broken Secret's resourceVersion is written beside the kubeconfig so a test can prove the
 * control plane left it untouched.
 */
public final class SeedTestCluster {

  private SeedTestCluster() {}

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    ApiClient client = TestCluster.client(kubeconfig);
    try {
      seed(client, new CoreV1Api(client), kubeconfig);
    } finally {
      // This runs inside the Maven JVM: leave no HTTP threads behind when the class loader goes away.
      client.getHttpClient().dispatcher().executorService().shutdown();
      client.getHttpClient().connectionPool().evictAll();
    }
  }

  private static void seed(ApiClient client, CoreV1Api api, Path kubeconfig) throws Exception {
    TestCluster.ensureNamespace(api, TestCluster.OSM_NAMESPACE);
    TestCluster.forgetMesh(client, TestCluster.OSM_NAMESPACE, TestCluster.CA_SECRET);

    TestCluster.ensureNamespace(api, TestCluster.BROKEN_CA_NAMESPACE);
    TestCluster.deleteSecretIfPresent(api, TestCluster.BROKEN_CA_NAMESPACE, TestCluster.CA_SECRET);
    V1Secret created = api.createNamespacedSecret(TestCluster.BROKEN_CA_NAMESPACE, brokenCaSecret()).execute();
    Files.writeString(brokenSecretVersionFile(kubeconfig), created.getMetadata().getResourceVersion());
    System.out.println("seeded namespaces " + TestCluster.OSM_NAMESPACE + " and " + TestCluster.BROKEN_CA_NAMESPACE);
  }

  static Path brokenSecretVersionFile(Path kubeconfig) {
    return kubeconfig.resolveSibling("broken-ca-secret.resourceVersion");
  }

  /** A user-made Secret whose private.key belongs to another CA than ca.crt. */
  private static V1Secret brokenCaSecret() {
    Instant now = Instant.now();
    CaBundle ca = RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(30), now, Duration.ZERO);
    CaBundle other = RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(30), now, Duration.ZERO);
    return new V1Secret()
        .metadata(new V1ObjectMeta().name(TestCluster.CA_SECRET).namespace(TestCluster.BROKEN_CA_NAMESPACE))
        .type("Opaque")
        .data(Map.of(
            "ca.crt", Pem.encode(ca.certificate()).getBytes(StandardCharsets.UTF_8),
            "private.key", Pem.encodePrivateKey(other.privateKey()).getBytes(StandardCharsets.UTF_8)));
  }
}

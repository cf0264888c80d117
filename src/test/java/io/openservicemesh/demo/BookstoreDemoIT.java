package io.openservicemesh.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.bootstrap.BootstrapFiles;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.it.Chart;
import io.openservicemesh.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bookstore demo against the real API server. No pods run here, so deploy-bookstore.sh runs in its dry-run mode
 * (every object validated by the API server); check-injection.sh runs for real against pods and Secrets made the way
 * the injector leaves them, with certificates from a real mesh CA, and must tell a good pod from a bad one.
 */
class BookstoreDemoIT {

  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String OSM_NAMESPACE = "osm-demo-" + SUFFIX;
  private static final String APP_NAMESPACE = "osm-demo-app-" + SUFFIX;

  private static CoreV1Api admin;
  private static CaBundle meshRoot;

  @BeforeAll
  static void meshRootInItsSecret() throws Exception {
    admin = TestCluster.core();
    TestCluster.ensureNamespace(admin, OSM_NAMESPACE);
    TestCluster.ensureNamespace(admin, APP_NAMESPACE);
    meshRoot = newRoot();
    admin.createNamespacedSecret(OSM_NAMESPACE, new V1Secret().metadata(new V1ObjectMeta().name("osm-ca-bundle"))
        .type("Opaque").data(Map.of("ca.crt", Pem.encode(meshRoot.certificate()).getBytes(StandardCharsets.UTF_8))))
        .execute();
  }

  @Test
  void theDemoManifestsPassAServerSideDryRun() throws Exception {
    // The objects of a namespace can only be validated once it exists: created here, as a cluster would have them.
    TestCluster.ensureNamespace(admin, "bookstore");
    TestCluster.ensureNamespace(admin, "bookbuyer");

    Result result = run(Map.of("DRY_RUN", "server"), "bash", "demo/deploy-bookstore.sh");

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("namespace/bookstore configured (server dry run)")
        .contains("namespace/bookbuyer configured (server dry run)")
        .contains("deployment.apps/bookstore created (server dry run)")
        .contains("service/bookstore created (server dry run)")
        .contains("deployment.apps/bookbuyer created (server dry run)")
        .contains("nothing was changed");
    Map<String, String> annotations = admin.readNamespace("bookstore").execute().getMetadata().getAnnotations();
    assertThat(annotations == null ? Map.<String, String>of() : annotations).as("nothing was changed")
        .doesNotContainKey("openservicemesh.io/sidecar-injection");
  }

  @Test
  void theCheckShowsAnInjectedPodsCertificateAndItsChainToTheMeshRoot() throws Exception {
    UUID uuid = injectedPod("bookstore-good", "bookstore", meshRoot, true);

    Result result = check("app=bookstore-good");

    assertThat(result.exit()).as(result.output()).isZero();
    String commonName = uuid + ".bookstore." + APP_NAMESPACE;
    assertThat(result.output())
        .contains("containers bookstore-good envoy")
        .contains("init containers osm-init")
        .contains("subject=O = Open Service Mesh, CN = " + commonName)
        .contains("URI:spiffe://cluster.local/ns/" + APP_NAMESPACE + "/sa/bookstore/proxy/" + uuid)
        .contains("OK: the bootstrap certificate of " + APP_NAMESPACE + "/bookstore-good is for " + commonName
            + " and chains to the mesh root");
  }

  @Test
  void theCheckRefusesACertificateFromAnotherCa() throws Exception {
    injectedPod("bookstore-stranger", "bookstore", newRoot(), true);

    Result result = check("app=bookstore-stranger");

    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("does not chain to the mesh root");
  }

  @Test
  void theCheckSaysWhenAPodWasNotInjected() throws Exception {
    injectedPod("bookstore-plain", "bookstore", meshRoot, false);

    Result result = check("app=bookstore-plain");

    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("has no envoy container").contains("kubectl rollout restart");
  }

  private Result check(String selector) throws Exception {
    return run(Map.of("OSM_NAMESPACE", OSM_NAMESPACE), "bash", "demo/check-injection.sh", APP_NAMESPACE, selector);
  }

  /** A pod and bootstrap Secret as the injector makes them; {@code injected} false leaves the pod as written. */
  private static UUID injectedPod(String app, String account, CaBundle ca, boolean injected) throws Exception {
    UUID uuid = UUID.randomUUID();
    List<V1Container> containers = new ArrayList<>(List.of(new V1Container().name(app).image("bookstore:v1")));
    V1PodSpec spec = new V1PodSpec().serviceAccountName(account);
    V1ObjectMeta metadata = new V1ObjectMeta().name(app).putLabelsItem("app", app);
    if (injected) {
      containers.add(new V1Container().name("envoy").image("envoyproxy/envoy:v1.28.0"));
      spec.initContainers(List.of(new V1Container().name("osm-init").image("openservicemesh/init:v1.2.0")));
      metadata.putLabelsItem("osm-proxy-uuid", uuid.toString());
      ProxyIdentity proxy = new ProxyIdentity(uuid, new ServiceIdentity(account, APP_NAMESPACE));
      Certificate certificate = new TresorIssuer(ca, Clock.systemUTC(), Duration.ofMinutes(1))
          .issue(new MeshCertificateSpecs("cluster.local", OSM_NAMESPACE, Duration.ofHours(1), KeySpec.ECDSA_P256)
              .xdsBootstrap(proxy));
      admin.createNamespacedSecret(APP_NAMESPACE, new V1Secret()
          .metadata(new V1ObjectMeta().name("envoy-bootstrap-config-" + uuid)).type("Opaque")
          .data(BootstrapFiles.forProxy(proxy, OSM_NAMESPACE, BootstrapFiles.Credential.of(certificate)))).execute();
    }
    admin.createNamespacedPod(APP_NAMESPACE, new V1Pod().metadata(metadata).spec(spec.containers(containers)))
        .execute();
    return uuid;
  }

  private static CaBundle newRoot() {
    return RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(30), Instant.now(), Duration.ZERO);
  }

  private record Result(int exit, String output) {}

  /** Runs with the tested kubectl first on PATH, against the test cluster. */
  private static Result run(Map<String, String> environment, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    String kubectlDirectory = Path.of(Chart.kubectl()).getParent().toString();
    builder.environment().put("PATH", kubectlDirectory + ":" + System.getenv("PATH"));
    builder.environment().put("KUBECONFIG", TestCluster.kubeconfig().toString());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}

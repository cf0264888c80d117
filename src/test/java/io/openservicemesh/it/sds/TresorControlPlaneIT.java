package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.PatchUtils;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.TlsContexts;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The built-in CA on a real Liberty server started by configuration alone (Tresor under a custom CA Secret name),
 * shared by its tests. It serves a service certificate over SDS to an Envoy-like client. And it keeps a proxy's
 * bootstrap credential over the life of its pod, against the real API server, with bootstrap certificates that live
 * one minute: the injector writes the Secret for a review, the pod appears
 * and becomes the Secret's owner, the leader renews the certificate and rewrites the Secret before it expires,
 * and an Envoy-like client that follows the mounted files (bootstrap, then its file-based SDS resources, then the
 * PEM files they name) reconnects to SDS with the new certificate. A Secret whose pod never comes is deleted after
 * the grace period. The test API server has no garbage collector: the ownerReference is asserted exactly.
 */
class TresorControlPlaneIT {

  private static final String OSM_NAMESPACE = "osm-it-custom-ca";
  private static final String CA_SECRET = "my-secret-name";
  private static final String APPS = "bootstrap-renewal-it";
  private static final Duration LIFETIME = Duration.ofSeconds(60);
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);

  private static final CoreV1Api api = TestCluster.core();
  private static ExtraControlPlane plane;
  private static String root;
  private static Report ready;

  @BeforeAll
  static void startAControlPlaneWithShortLivedBootstrapCertificates() throws Exception {
    TestCluster.ensureNamespace(api, OSM_NAMESPACE);
    TestCluster.ensureNamespace(api, APPS);
    TestCluster.forgetMesh(TestCluster.client(), OSM_NAMESPACE, CA_SECRET);
    plane = ExtraControlPlane.start(OSM_NAMESPACE, Map.of(
        "OpenServiceMesh_osmNamespace", OSM_NAMESPACE,
        "CERT_MANAGER", "tresor",
        "OpenServiceMesh_caBundleSecretName", CA_SECRET,
        "OpenServiceMesh_internalCertValidityDuration", LIFETIME.toSeconds() + "s",
        "OpenServiceMesh_allowShortCertValidity", "true",
        "OpenServiceMesh_bootstrapSecretGracePeriod", "5s",
        "OpenServiceMesh_webhook_extraServingNames", "localhost"));
    ready = plane.health().awaitReadiness(Report::up, READY_WITHIN);
    assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
    root = new String(api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute().getData().get("ca.crt"),
        StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() throws Exception {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void tresorKeepsItsRootUnderACustomCaBundleSecretNameAndServesOverSds() throws Exception {
    V1Secret secret = api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute();
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "expiration", "private.key");
    assertThat(api.listNamespacedSecret(OSM_NAMESPACE).execute().getItems())
        .extracting(s -> s.getMetadata().getName()).doesNotContain("osm-ca-bundle");
    assertThat(ready.data("certificate-authority", "caLocation")).contains(CA_SECRET);
    TresorIssuer ca = new TresorIssuer(CaBundleCodec.decode(new StoredCaBundle(root,
        new String(secret.getData().get("private.key"), StandardCharsets.UTF_8), null), "test", Instant.now()),
        Clock.systemUTC(), Duration.ofMinutes(1));
    ProxyIdentity proxy = SdsProbe.proxyWithPod("bookstore");
    Certificate bootstrap = ca.issue(new MeshCertificateSpecs("cluster.local", OSM_NAMESPACE, Duration.ofHours(1),
        KeySpec.ECDSA_P256).xdsBootstrap(proxy));

    X509Certificate leaf = SdsProbe.serviceCertificate(plane, OSM_NAMESPACE, proxy, bootstrap, root);

    assertThat(leaf.getSubjectX500Principal().getName()).startsWith("CN=bookstore." + SdsProbe.PODS
        + ".cluster.local");
    OpenSsl.verify(root, Pem.encode(leaf));
  }

  @Test
  void aLivePodsCredentialIsRenewedInItsSecretAndTheProxyReconnectsWithIt() throws Exception {
    V1Secret injected = injectWithoutPod("bookstore");
    UUID proxy = UUID.fromString(injected.getMetadata().getLabels().get("osm-proxy-uuid"));
    V1Pod pod = api.createNamespacedPod(APPS, new V1Pod()
        .metadata(new V1ObjectMeta().name("bookstore-" + proxy).labels(Map.of("osm-proxy-uuid", proxy.toString())))
        .spec(new V1PodSpec().serviceAccountName("bookstore")
            .containers(List.of(new V1Container().name("app").image("example.invalid/app:1"))))).execute();
    Certificate first = MountedCredential.of(injected.getData());
    assertThat(fetchServiceCertificate(proxy, first)).isNotNull();

    V1Secret owned = await(injected.getMetadata().getName(), s -> s.getMetadata().getOwnerReferences() != null && !s.getMetadata().getOwnerReferences().isEmpty(),
        Duration.ofSeconds(30));
    assertThat(owned.getMetadata().getOwnerReferences()).containsExactly(new V1OwnerReference()
        .apiVersion("v1").kind("Pod").name(pod.getMetadata().getName()).uid(pod.getMetadata().getUid()));

    BigInteger firstSerial = first.leaf().getSerialNumber();
    V1Secret renewed = await(injected.getMetadata().getName(),
        s -> !leafOf(s).getSerialNumber().equals(firstSerial), LIFETIME.plusSeconds(30));
    Instant renewedAt = Instant.now();

    assertThat(renewedAt).as("renewed before the first certificate expired").isBefore(first.notAfter());
    assertThat(renewed.getData().keySet()).isEqualTo(injected.getData().keySet());
    Certificate second = MountedCredential.of(renewed.getData());
    assertThat(second.commonName()).isEqualTo(first.commonName());
    assertThat(second.notAfter()).isAfter(first.notAfter());
    X509Certificate served = fetchServiceCertificate(proxy, second);
    assertThat(served.getSubjectX500Principal().getName()).startsWith("CN=bookstore." + APPS + ".cluster.local");
    Report readiness = plane.health().readiness();
    assertThat(readiness.data("bootstrap-credentials", "kept")).isNotEqualTo("0");
  }

  @Test
  void aSecretWhosePodNeverCameIsDeletedAfterTheGracePeriod() throws Exception {
    V1Secret injected = injectWithoutPod("bookstore");

    Instant giveUp = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(giveUp)) {
      try {
        api.readNamespacedSecret(injected.getMetadata().getName(), APPS).execute();
      } catch (ApiException e) {
        assertThat(e.getCode()).isEqualTo(404);
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Secret " + injected.getMetadata().getName() + " outlived its grace period by a minute");
  }

  /**
   * Posts a review as the API server would, in a namespace of the mesh, and returns the Secret it wrote. The
   * namespace is part of the mesh only while the review is made: the test creates pods itself, and no webhook
   * configuration of any control plane in the test cluster must see them.
   */
  private static synchronized V1Secret injectWithoutPod(String serviceAccount) throws Exception {
    label(Map.of("openservicemesh.io/monitored-by", OSM_NAMESPACE));
    List<String> before;
    try {
      before = bootstrapSecretNames();
      String review = """
          {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
           "request": {"uid": "%s", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "namespace": "%s",
            "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod",
              "metadata": {"generateName": "bookstore-", "annotations": {"openservicemesh.io/sidecar-injection": "enabled"}},
              "spec": {"serviceAccountName": "%s", "containers": [{"name": "app", "image": "app:v1"}]}}}}"""
          .formatted(UUID.randomUUID(), APPS, serviceAccount);
      HttpResponse<String> response = HttpClient.newBuilder().sslContext(TlsContexts.trusting(root)).build().send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + (plane.sdsPort() - 1) + "/mutate-pod-creation"))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).contains("\"allowed\":true", "\"patch\"");
    } finally {
      label(null);
    }
    List<V1Secret> created = api.listNamespacedSecret(APPS).labelSelector("osm-proxy-uuid").execute().getItems()
        .stream().filter(s -> !before.contains(s.getMetadata().getName())).toList();
    assertThat(created).hasSize(1);
    return created.get(0);
  }

  private static List<String> bootstrapSecretNames() throws ApiException {
    return api.listNamespacedSecret(APPS).labelSelector("osm-proxy-uuid").execute().getItems().stream()
        .map(s -> s.getMetadata().getName()).toList();
  }

  /** Sets (or, with null, removes) the namespace's mesh label. */
  private static void label(Map<String, String> labels) throws Exception {
    String value = labels == null ? "null" : "\"" + labels.values().iterator().next() + "\"";
    String patch = "{\"metadata\":{\"labels\":{\"openservicemesh.io/monitored-by\":" + value + "}}}";
    PatchUtils.patch(io.kubernetes.client.openapi.models.V1Namespace.class,
        () -> api.patchNamespace(APPS, new V1Patch(patch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, TestCluster.client());
  }

  private static X509Certificate fetchServiceCertificate(UUID proxy, Certificate bootstrap) throws Exception {
    String name = "service-cert:" + APPS + "/bookstore";
    DiscoveryResponse response;
    try (EnvoyLikeClient client = EnvoyLikeClient.connect(plane.sdsPort(), bootstrap, root, OSM_NAMESPACE)) {
      response = client.fetch(EnvoyLikeClient.request(bootstrap.commonName(), List.of(name)).build());
    }
    Secret secret = response.getResources(0).unpack(Secret.class);
    return Pem.decodeCertificate(secret.getTlsCertificate().getCertificateChain().getInlineString());
  }

  private static V1Secret await(String name, Predicate<V1Secret> condition, Duration within) throws Exception {
    Instant giveUp = Instant.now().plus(within);
    V1Secret secret = api.readNamespacedSecret(name, APPS).execute();
    while (!condition.test(secret) && Instant.now().isBefore(giveUp)) {
      Thread.sleep(250);
      secret = api.readNamespacedSecret(name, APPS).execute();
    }
    assertThat(condition.test(secret)).as("Secret %s within %s\n%s", name, within, plane.log()).isTrue();
    return secret;
  }

  private static X509Certificate leafOf(V1Secret secret) {
    try {
      return MountedCredential.of(secret.getData()).leaf();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * What Envoy loads from the mounted Secret, found the way Envoy finds it: the bootstrap's control-plane cluster
   * names its file-based SDS resources, and those name the PEM files. Each key of the Secret is a file in the
   * mount directory.
   */
  static final class MountedCredential {

    private static final String MOUNT = "/etc/envoy/";

    static Certificate of(Map<String, byte[]> files) throws Exception {
      Map<String, Object> bootstrap = yaml(files, "bootstrap.yaml");
      List<Map<String, Object>> clusters = list(path(bootstrap, "static_resources", "clusters"));
      Map<String, Object> controlPlane = clusters.stream().filter(c -> "osm-controller".equals(c.get("name")))
          .findFirst().orElseThrow();
      Map<String, Object> common = map(path(controlPlane, "transport_socket", "typed_config", "common_tls_context"));
      Map<String, Object> certificateSds = map(list(common.get("tls_certificate_sds_secret_configs")).get(0));
      Map<String, Object> rootsSds = map(path(common, "combined_validation_context",
          "validation_context_sds_secret_config"));
      Map<String, Object> tlsCertificate = map(resource(files, certificateSds).get("tls_certificate"));
      Map<String, Object> validation = map(resource(files, rootsSds).get("validation_context"));
      String chain = file(files, (String) path(tlsCertificate, "certificate_chain", "filename"));
      String key = file(files, (String) path(tlsCertificate, "private_key", "filename"));
      String roots = file(files, (String) path(validation, "trusted_ca", "filename"));
      return new Certificate(Pem.decodeCertificates(chain), key, roots, roots);
    }

    /** The one resource of the file an SDS config's path names, checked to be the Secret asked for by name. */
    private static Map<String, Object> resource(Map<String, byte[]> files, Map<String, Object> sdsConfig) {
      String path = (String) path(sdsConfig, "sds_config", "path_config_source", "path");
      Map<String, Object> resource = map(list(yaml(files, relative(path)).get("resources")).get(0));
      assertThat(resource.get("name")).isEqualTo(sdsConfig.get("name"));
      return resource;
    }

    private static String file(Map<String, byte[]> files, String path) {
      byte[] content = files.get(relative(path));
      assertThat(content).as("file %s in the Secret", path).isNotNull();
      return new String(content, StandardCharsets.UTF_8);
    }

    private static String relative(String path) {
      assertThat(path).startsWith(MOUNT);
      return path.substring(MOUNT.length());
    }

    private static Map<String, Object> yaml(Map<String, byte[]> files, String key) {
      return new Yaml().load(file(files, MOUNT + key));
    }

    private static Object path(Map<String, Object> tree, String... keys) {
      Object current = tree;
      for (String key : keys) {
        current = map(current).get(key);
      }
      return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
      return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
      return (List<Map<String, Object>>) value;
    }
  }
}

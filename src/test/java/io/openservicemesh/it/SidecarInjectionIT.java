package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Volume;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The injector end to end: the real API server calls the running control plane over HTTPS (trusting the mesh
 * CA through the caBundle) while pods are created through the API, and the stored objects are checked.
 * The webhook configuration is this test's own (a unique name, failurePolicy Fail, a namespaceSelector that
 * matches only this run's namespaces) and is deleted afterwards.
 */
class SidecarInjectionIT {

  private static final String ENABLED_NAMESPACE = "injector-it";
  private static final String DISABLED_NAMESPACE = "injector-it-off";
  /** Its injection annotation has a value the injector does not accept: every pod is refused. */
  private static final String MISCONFIGURED_NAMESPACE = "injector-it-bad";
  private static final String RUN_LABEL = "osm-it.openservicemesh.io/injector-run";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String WEBHOOK_CONFIGURATION = "osm-injector-it-" + RUN;

  private static ApiClient client;
  private static CoreV1Api core;
  private static AdmissionregistrationV1Api admission;
  private static String meshCa;
  private static int httpsPort;
  private static final List<String> createdPods = new ArrayList<>();

  @BeforeAll
  static void registerTheWebhook() throws Exception {
    ServerHealth.ofProperty("it.http.port").awaitReadiness(ServerHealth.Report::up, Duration.ofMinutes(2));
    httpsPort = Integer.parseInt(System.getProperty("it.https.port"));
    client = TestCluster.client();
    core = new CoreV1Api(client);
    admission = new AdmissionregistrationV1Api(client);
    V1Secret ca = core.readNamespacedSecret(TestCluster.CA_SECRET, TestCluster.OSM_NAMESPACE).execute();
    meshCa = new String(ca.getData().get("ca.crt"), StandardCharsets.UTF_8);

    prepareNamespace(ENABLED_NAMESPACE, "enabled");
    prepareNamespace(DISABLED_NAMESPACE, "disabled");
    prepareNamespace(MISCONFIGURED_NAMESPACE, "perhaps");
    keepTheControlPlanesOwnWebhookAwayFromThisRun();

    V1MutatingWebhook webhook = new V1MutatingWebhook()
        .name("sidecar-injector.it.openservicemesh.io")
        .clientConfig(new AdmissionregistrationV1WebhookClientConfig()
            .url("https://localhost:" + httpsPort + "/mutate-pod-creation")
            .caBundle(meshCa.getBytes(StandardCharsets.UTF_8)))
        .rules(List.of(new V1RuleWithOperations().operations(List.of("CREATE")).apiGroups(List.of(""))
            .apiVersions(List.of("v1")).resources(List.of("pods"))))
        .namespaceSelector(new V1LabelSelector().matchLabels(Map.of(RUN_LABEL, RUN)))
        .failurePolicy("Fail")
        .sideEffects("NoneOnDryRun")
        .admissionReviewVersions(List.of("v1"))
        .timeoutSeconds(10);
    admission.createMutatingWebhookConfiguration(new V1MutatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name(WEBHOOK_CONFIGURATION)).webhooks(List.of(webhook))).execute();
    awaitWebhookActive();
  }

  @AfterAll
  static void removeTheWebhook() throws Exception {
    if (admission == null) {
      return;
    }
    try {
      admission.deleteMutatingWebhookConfiguration(WEBHOOK_CONFIGURATION).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    for (String pod : createdPods) {
      String[] parts = pod.split("/");
      try {
        core.deleteNamespacedPod(parts[1], parts[0]).execute();
      } catch (ApiException ignored) {
        // Already gone.
      }
    }
  }

  @Test
  void aPodInAnEnabledNamespaceIsStoredWithItsSidecarAndBootstrapSecret() throws Exception {
    V1Pod stored = createPod(ENABLED_NAMESPACE, "bookstore", false);

    String uuid = stored.getMetadata().getLabels().get("osm-proxy-uuid");
    assertThat(uuid).isNotBlank();
    assertThat(stored.getSpec().getContainers()).extracting(V1Container::getName).containsExactly("app", "envoy");
    assertThat(stored.getSpec().getInitContainers()).extracting(V1Container::getName).containsExactly("osm-init");
    assertThat(stored.getSpec().getVolumes()).extracting(V1Volume::getName)
        .contains("envoy-bootstrap-config-volume");
    V1Container envoy = stored.getSpec().getContainers().get(1);
    assertThat(envoy.getArgs()).containsSequence("--config-path", "/etc/envoy/bootstrap.yaml");
    assertThat(stored.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true");

    V1Secret secret = core.readNamespacedSecret("envoy-bootstrap-config-" + uuid, ENABLED_NAMESPACE).execute();
    assertThat(secret.getMetadata().getLabels()).containsEntry("osm-proxy-uuid", uuid);
    String yaml = new String(secret.getData().get("bootstrap.yaml"), StandardCharsets.UTF_8);
    Map<String, Object> bootstrap = new Yaml().load(yaml);
    assertThat(path(bootstrap, "node", "id")).isEqualTo(uuid + ".bookstore." + ENABLED_NAMESPACE);
    String chain = new String(secret.getData().get("xds-client.crt"), StandardCharsets.UTF_8);

    assertThat(OpenSsl.verify(meshCa, chain).strip()).isEqualTo("leaf.pem: OK");
    X509Certificate certificate = Pem.decodeCertificate(chain);
    assertThat(certificate.getSubjectX500Principal().getName())
        .contains("CN=" + uuid + ".bookstore." + ENABLED_NAMESPACE);
  }

  @Test
  void theBootstrapSecretOfADeletedPodIsCollected() throws Exception {
    V1Pod stored = createPod(ENABLED_NAMESPACE, "bookstore", false);
    String secret = "envoy-bootstrap-config-" + stored.getMetadata().getLabels().get("osm-proxy-uuid");
    assertThat(core.readNamespacedSecret(secret, ENABLED_NAMESPACE).execute()).isNotNull();

    core.deleteNamespacedPod(stored.getMetadata().getName(), ENABLED_NAMESPACE).gracePeriodSeconds(0).execute();

    // The server under test collects Secrets without a pod older than 15 s, every 15 s.
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(giveUp)) {
      try {
        core.readNamespacedSecret(secret, ENABLED_NAMESPACE).execute();
      } catch (ApiException e) {
        assertThat(e.getCode()).isEqualTo(404);
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Secret " + secret + " outlived its pod by 90 s");
  }

  @Test
  void aPodInADisabledNamespaceIsStoredUntouched() throws Exception {
    V1Pod stored = createPod(DISABLED_NAMESPACE, "default", false);

    assertThat(stored.getMetadata().getLabels()).doesNotContainKey("osm-proxy-uuid");
    assertThat(stored.getSpec().getContainers()).extracting(V1Container::getName).containsExactly("app");
    assertThat(stored.getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(stored.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void aDryRunCreatesNoSecret() throws Exception {
    V1Pod answered = createPod(ENABLED_NAMESPACE, "bookstore", true);

    String uuid = answered.getMetadata().getLabels().get("osm-proxy-uuid");
    assertThat(uuid).isNotBlank();
    assertThat(answered.getSpec().getContainers()).extracting(V1Container::getName).contains("envoy");
    try {
      core.readNamespacedSecret("envoy-bootstrap-config-" + uuid, ENABLED_NAMESPACE).execute();
      throw new AssertionError("a dry run created Secret envoy-bootstrap-config-" + uuid);
    } catch (ApiException e) {
      assertThat(e.getCode()).isEqualTo(404);
    }
  }

  @Test
  void theControlPlaneKeepsItsOwnWebhookConfigurationsCaBundleOnTheMeshCa() throws Exception {
    String name = "osm-webhook-" + TestCluster.OSM_NAMESPACE;
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(60));
    String bundle = null;
    while (Instant.now().isBefore(giveUp)) {
      try {
        V1MutatingWebhookConfiguration own = admission.readMutatingWebhookConfiguration(name).execute();
        byte[] found = own.getWebhooks().get(0).getClientConfig().getCaBundle();
        bundle = found == null ? null : new String(found, StandardCharsets.UTF_8);
        if (meshCa.equals(bundle)) {
          break;
        }
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
      Thread.sleep(250);
    }
    assertThat(bundle).isEqualTo(meshCa);
  }

  @Test
  void theEndpointAnswersProtocolErrorsOverTls() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.trusting(meshCa)).connectTimeout(Duration.ofSeconds(5))
        .build();
    URI uri = URI.create("https://localhost:" + httpsPort + "/mutate-pod-creation");

    HttpResponse<String> wrongType = https.send(HttpRequest.newBuilder(uri).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> empty = https.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(wrongType.body()).contains("Content-Type must be application/json");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("empty body");
  }

  @Test
  void aMadeUpReviewForANamespaceOutsideTheMeshWritesNothing() throws Exception {
    String outside = "outside-mesh-it";
    TestCluster.ensureNamespace(core, outside); // exists, but carries no openservicemesh.io/monitored-by
    String review = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "%s", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "namespace": "%s",
          "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": "forged-", "annotations": {"openservicemesh.io/sidecar-injection": "enabled"}},
            "spec": {"containers": [{"name": "app", "image": "app:v1"}]}}}}""".formatted(UUID.randomUUID(), outside);
    HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.trusting(meshCa)).build();

    HttpResponse<String> response = https.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + httpsPort + "/mutate-pod-creation"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"allowed\":true").doesNotContain("\"patch\"");
    assertThat(core.listNamespacedSecret(outside).execute().getItems())
        .extracting(secret -> secret.getMetadata().getName())
        .noneMatch(name -> name.startsWith("envoy-bootstrap-config-"));
  }

  @Test
  void aRefusedPodIsToldInAWarningEventOnThePod() throws Exception {
    String name = "refused-" + RUN;
    V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().name(name).namespace(MISCONFIGURED_NAMESPACE))
        .spec(new V1PodSpec().serviceAccountName("bookstore")
            .containers(List.of(new V1Container().name("app").image("busybox:1.36"))));

    ApiException refusal = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> core.createNamespacedPod(MISCONFIGURED_NAMESPACE, pod).execute());

    assertThat(refusal.getCode()).isEqualTo(403);
    CoreV1Event event = ClusterEvents.await(MISCONFIGURED_NAMESPACE, "Pod", name, "InjectionRefused",
        Duration.ofSeconds(30));
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReportingComponent()).isEqualTo("osm-controller");
    assertThat(event.getMessage()).contains(MISCONFIGURED_NAMESPACE + "/" + name,
        "openservicemesh.io/sidecar-injection");
  }

  @Test
  void thePlainHttpPortDoesNotServeTheWebhook() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + System.getProperty("it.http.port") + "/mutate-pod-creation"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
  }

  private static V1Pod createPod(String namespace, String serviceAccount, boolean dryRun) throws ApiException {
    V1Pod pod = new V1Pod()
        .metadata(new V1ObjectMeta().generateName("it-").namespace(namespace))
        .spec(new V1PodSpec().serviceAccountName(serviceAccount)
            .containers(List.of(new V1Container().name("app").image("busybox:1.36"))));
    var request = core.createNamespacedPod(namespace, pod);
    if (dryRun) {
      request = request.dryRun("All");
    }
    V1Pod created = request.execute();
    if (!dryRun) {
      createdPods.add(namespace + "/" + created.getMetadata().getName());
    }
    return created;
  }

  /**
   * This run's namespaces are part of the mesh (label openservicemesh.io/monitored-by), which the control plane's
   * own MutatingWebhookConfiguration selects too; it calls the in-cluster Service osm-controller, which a test
   * cluster does not have. Its selector is narrowed to leave this run's namespaces to the test's webhook (the
   * control plane keeps only the caBundle of that configuration current, never its selector).
   */
  private static void keepTheControlPlanesOwnWebhookAwayFromThisRun() throws Exception {
    String own = io.openservicemesh.config.MeshSettingsParser.parse(key -> java.util.Optional.empty()).orElseThrow()
        .webhooks().mutatingConfigurationName(TestCluster.OSM_NAMESPACE);
    awaitConfiguration(own);
    // Every control plane started by the ITs (and any left by earlier runs) registered one like it.
    for (V1MutatingWebhookConfiguration configuration :
        admission.listMutatingWebhookConfiguration().execute().getItems()) {
      String name = configuration.getMetadata().getName();
      if (name.equals(WEBHOOK_CONFIGURATION)) {
        continue;
      }
      for (V1MutatingWebhook webhook : configuration.getWebhooks()) {
        V1LabelSelector selector = webhook.getNamespaceSelector() == null ? new V1LabelSelector()
            : webhook.getNamespaceSelector();
        selector.addMatchExpressionsItem(new io.kubernetes.client.openapi.models.V1LabelSelectorRequirement()
            .key(RUN_LABEL).operator("DoesNotExist"));
        webhook.namespaceSelector(selector);
      }
      admission.replaceMutatingWebhookConfiguration(name, configuration).execute();
    }
  }

  /** The control plane registers its configuration right after it is ready: waited for, bounded. */
  private static void awaitConfiguration(String name) throws Exception {
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        admission.readMutatingWebhookConfiguration(name).execute();
        return;
      } catch (ApiException e) {
        if (e.getCode() != 404 || Instant.now().isAfter(giveUp)) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }

  /** Namespaces outlive runs (a bare API server never finishes deleting them): relabel for this run. */
  private static void prepareNamespace(String name, String injection) throws ApiException {
    TestCluster.ensureNamespace(core, name);
    V1Namespace namespace = core.readNamespace(name).execute();
    Map<String, String> labels = new HashMap<>(namespace.getMetadata().getLabels() == null ? Map.of()
        : namespace.getMetadata().getLabels());
    labels.put(RUN_LABEL, RUN);
    labels.put("openservicemesh.io/monitored-by", "osm"); // part of the mesh, as osm namespace add does
    Map<String, String> annotations = new HashMap<>(namespace.getMetadata().getAnnotations() == null ? Map.of()
        : namespace.getMetadata().getAnnotations());
    annotations.put("openservicemesh.io/sidecar-injection", injection);
    namespace.getMetadata().labels(labels).annotations(annotations);
    core.replaceNamespace(name, namespace).execute();
  }

  /**
   * The API server picks up a new webhook configuration within a moment; dry-run pods (no side effects) probe
   * until the injection shows, bounded.
   */
  private static void awaitWebhookActive() throws Exception {
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(60));
    Exception last = null;
    while (Instant.now().isBefore(giveUp)) {
      try {
        V1Pod probe = createPod(ENABLED_NAMESPACE, "probe", true);
        if (probe.getMetadata().getLabels() != null && probe.getMetadata().getLabels().containsKey("osm-proxy-uuid")) {
          return;
        }
      } catch (ApiException e) {
        last = e; // the TLS endpoint may still be opening: the webhook call fails, failurePolicy Fail refuses
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the injector webhook never became active" + (last == null ? ""
        : ": " + ((ApiException) last).getResponseBody()));
  }

  @SuppressWarnings("unchecked")
  private static Object path(Map<String, Object> tree, String... keys) {
    Object current = tree;
    for (String key : keys) {
      current = ((Map<String, Object>) current).get(key);
    }
    return current;
  }
}

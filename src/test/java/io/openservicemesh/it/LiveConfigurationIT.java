package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1ValidatingWebhook;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.testing.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The config validator and the live configuration end to end: the API server refuses an invalid osm-config
 * with the reasons from the running control plane, and a valid change reaches the control plane, which uses it
 * for the next certificate and injection without a restart.
 */
class LiveConfigurationIT {

  private static final String RUN_LABEL = "osm-it.openservicemesh.io/validator-run";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String WEBHOOK_CONFIGURATION = "osm-config-validator-it-" + RUN;
  private static final String POD_NAMESPACE = "live-config-it";

  private static CoreV1Api core;
  private static AdmissionregistrationV1Api admission;
  private static String meshCa;
  private static int httpsPort;
  private static int validatorPort;

  @BeforeAll
  static void registerTheValidator() throws Exception {
    ServerHealth.ofProperty("it.http.port").awaitReadiness(ServerHealth.Report::up, Duration.ofMinutes(2));
    httpsPort = Integer.parseInt(System.getProperty("it.https.port"));
    validatorPort = Integer.parseInt(System.getProperty("it.validator.port"));
    ApiClient client = TestCluster.client();
    core = new CoreV1Api(client);
    admission = new AdmissionregistrationV1Api(client);
    meshCa = new String(core.readNamespacedSecret(TestCluster.CA_SECRET, TestCluster.OSM_NAMESPACE).execute()
        .getData().get("ca.crt"), StandardCharsets.UTF_8);
    deleteConfigMap();
    TestCluster.ensureNamespace(core, POD_NAMESPACE);
    // Part of the mesh, as osm namespace add labels it: the injector reads this from the Namespace object.
    V1Namespace podNamespace = core.readNamespace(POD_NAMESPACE).execute();
    podNamespace.getMetadata().putLabelsItem("openservicemesh.io/monitored-by", "osm");
    core.replaceNamespace(POD_NAMESPACE, podNamespace).execute();
    V1Namespace osm = core.readNamespace(TestCluster.OSM_NAMESPACE).execute();
    Map<String, String> labels = new HashMap<>(osm.getMetadata().getLabels() == null ? Map.of()
        : osm.getMetadata().getLabels());
    labels.put(RUN_LABEL, RUN);
    osm.getMetadata().labels(labels);
    core.replaceNamespace(TestCluster.OSM_NAMESPACE, osm).execute();

    admission.createValidatingWebhookConfiguration(new V1ValidatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name(WEBHOOK_CONFIGURATION))
        .webhooks(List.of(new V1ValidatingWebhook()
            .name("config-validator.it.openservicemesh.io")
            .clientConfig(new AdmissionregistrationV1WebhookClientConfig()
                .url("https://localhost:" + validatorPort + "/validate-webhook")
                .caBundle(meshCa.getBytes(StandardCharsets.UTF_8)))
            .rules(List.of(new V1RuleWithOperations().operations(List.of("CREATE", "UPDATE")).apiGroups(List.of(""))
                .apiVersions(List.of("v1")).resources(List.of("configmaps"))))
            .namespaceSelector(new V1LabelSelector().matchLabels(Map.of(RUN_LABEL, RUN)))
            .failurePolicy("Fail")
            .sideEffects("None")
            .admissionReviewVersions(List.of("v1"))
            .timeoutSeconds(10))))
        .execute();
    awaitValidatorActive();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (admission == null) {
      return;
    }
    try {
      admission.deleteValidatingWebhookConfiguration(WEBHOOK_CONFIGURATION).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    deleteConfigMap();
  }

  @Test
  void anInvalidConfigIsRefusedByTheApiServerWithEveryReason() {
    try {
      core.createNamespacedConfigMap(TestCluster.OSM_NAMESPACE, osmConfig(Map.of(
          "OpenServiceMesh.serviceCertValidityDuration", "forever",
          "OpenServiceMesh.envoyLogLevel", "loud",
          "OpenServiceMesh.outboundIPRangeExclusionList", "10.0.0.0"))).execute();
      throw new AssertionError("the API server accepted an invalid osm-config");
    } catch (ApiException e) {
      assertThat(e.getResponseBody())
          .contains("denied the request")
          .contains("has 3 problem(s)")
          .contains("OpenServiceMesh.serviceCertValidityDuration must be a positive duration")
          .contains("OpenServiceMesh.envoyLogLevel must be one of [trace, debug, info, warning, warn, error,"
              + " critical, off], got loud")
          .contains("10.0.0.0 has no prefix length");
    }
  }

  @Test
  void aValidChangeIsUsedForTheNextCertificateWithoutARestart() throws Exception {
    core.createNamespacedConfigMap(TestCluster.OSM_NAMESPACE, osmConfig(Map.of(
        "OpenServiceMesh.serviceCertValidityDuration", "2h",
        "OpenServiceMesh.certKeyAlgorithm", "ecdsa-p384",
        "OpenServiceMesh.envoyLogLevel", "debug"))).execute();

    // The next injection uses the new log level, and its bootstrap certificate the new key algorithm.
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(60));
    String patch = "";
    while (Instant.now().isBefore(giveUp)) {
      patch = inject();
      if (patch.contains("\"debug\"")) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(patch).contains("\"--log-level\",\"debug\"");
    Matcher uuid = Pattern.compile("\"osm-proxy-uuid\":\"([0-9a-f-]{36})\"").matcher(patch);
    assertThat(uuid.find()).isTrue();
    V1Secret secret = core.readNamespacedSecret("envoy-bootstrap-config-" + uuid.group(1), POD_NAMESPACE).execute();
    X509Certificate leaf = Pem.decodeCertificates(
        new String(secret.getData().get("xds-client.crt"), StandardCharsets.UTF_8)).get(0);
    assertThat(((ECPublicKey) leaf.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(384);

    // The change of every key is logged with its old and new value.
    String log = Files.readString(Path.of(System.getProperty("it.server.log")));
    assertThat(log).contains("live setting OpenServiceMesh.serviceCertValidityDuration changed from (the"
        + " install-time value) to \"2h\"");
  }

  /** One injection through the HTTPS endpoint; returns the decoded JSON patch. */
  private static String inject() throws Exception {
    String review = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "%s", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "namespace": "%s",
          "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": "live-", "annotations": {"openservicemesh.io/sidecar-injection": "yes"}},
            "spec": {"containers": [{"name": "app", "image": "app:v1"}]}}}}"""
        .formatted(UUID.randomUUID(), POD_NAMESPACE);
    HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.trusting(meshCa)).build();
    HttpResponse<String> response = https.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + httpsPort + "/mutate-pod-creation"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonObject answer = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("response");
    assertThat(answer.get("allowed").getAsBoolean()).as(response.body()).isTrue();
    return new String(Base64.getDecoder().decode(answer.get("patch").getAsString()), StandardCharsets.UTF_8);
  }

  private static V1ConfigMap osmConfig(Map<String, String> data) {
    return new V1ConfigMap().metadata(new V1ObjectMeta().name("osm-config").namespace(TestCluster.OSM_NAMESPACE))
        .data(data);
  }

  private static void deleteConfigMap() throws ApiException {
    try {
      core.deleteNamespacedConfigMap("osm-config", TestCluster.OSM_NAMESPACE).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /** The API server sees a new webhook configuration within a moment: probe with dry runs until it refuses. */
  private static void awaitValidatorActive() throws Exception {
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(giveUp)) {
      try {
        core.createNamespacedConfigMap(TestCluster.OSM_NAMESPACE,
            osmConfig(Map.of("OpenServiceMesh.envoyLogLevel", "probe"))).dryRun("All").execute();
      } catch (ApiException e) {
        if (e.getResponseBody() != null && e.getResponseBody().contains("denied the request")) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the config validator webhook never became active");
  }
}

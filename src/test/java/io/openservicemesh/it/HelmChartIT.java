package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.openservicemesh.config.Setting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart rendered by the real Helm and applied to the real API server: with the defaults and with each
 * certificate manager, every object passes a server-side dry run and is then stored; bad {@code --set} values are
 * refused at render time with a message naming the value; every setting reaches the container as the environment
 * variable MicroProfile Config reads; the Vault token never appears in the Deployment.
 */
class HelmChartIT {

  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  /** Cluster-scoped objects outlive the test's namespace: removed after each test. */
  private static final List<String> CLUSTER_SCOPED = List.of("ClusterRole", "ClusterRoleBinding",
      "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

  private final List<String> installed = new ArrayList<>();

  @AfterEach
  void removeClusterScopedObjects() {
    for (String manifests : installed) {
      String clusterScoped = Chart.documents(manifests).stream()
          .filter(d -> CLUSTER_SCOPED.contains(d.get("kind")))
          .map(d -> d.get("kind") + "/" + Chart.metadata(d).get("name"))
          .collect(Collectors.joining(" "));
      Chart.Result deleted = delete(clusterScoped);
      assertThat(deleted.exit()).as(deleted.output()).isZero();
    }
  }

  static Stream<Arguments> installations() {
    return Stream.of(
        Arguments.of("defaults", Map.of()),
        Arguments.of("tresor-own-namespace", Map.of("namespace.create", "true", "replicaCount", "2")),
        Arguments.of("vault-token", Map.of("OpenServiceMesh.certificateManager", "vault",
            "OpenServiceMesh.vault.host", "vault.vault.svc.cluster.local",
            "OpenServiceMesh.vault.token", "chart-test-token")),
        Arguments.of("vault-https", Map.of("OpenServiceMesh.certificateManager", "vault",
            "OpenServiceMesh.vault.host", "vault.example.com", "OpenServiceMesh.vault.protocol", "https",
            "vaultToken.existingSecret", "osm-vault-token", "vaultCa.configMapName", "vault-ca")),
        Arguments.of("vault-kubernetes-auth", Map.of("OpenServiceMesh.certificateManager", "vault",
            "OpenServiceMesh.vault.host", "10.0.0.12", "OpenServiceMesh.vault.authMethod", "kubernetes",
            "OpenServiceMesh.vault.kubernetesRole", "osm-controller")),
        Arguments.of("cert-manager", Map.of("OpenServiceMesh.certificateManager", "cert-manager")),
        Arguments.of("webhook-client-ca", Map.of("webhookClientCa.configMapName", "apiserver-webhook-client-ca",
            "OpenServiceMesh.webhook.clientNames", "{kube-apiserver-webhook-client}")),
        Arguments.of("cert-manager-cluster-issuer", Map.of("OpenServiceMesh.certificateManager", "cert-manager",
            "OpenServiceMesh.certmanager.issuerKind", "ClusterIssuer",
            "OpenServiceMesh.certmanager.issuerName", "mesh-root")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("installations")
  void everyRenderedObjectPassesAServerSideDryRunAndIsStored(String name, Map<String, String> sets)
      throws Exception {
    String namespace = "osm-chart-" + name + "-" + SUFFIX;
    TestCluster.ensureNamespace(TestCluster.core(), namespace);
    String manifests = Chart.render(namespace, sets);
    // Its injector has no pod behind it: removed after the test, and meanwhile only selecting namespaces labelled
    // openservicemesh.io/monitored-by, which no test creates pods in while this runs.
    installed.add(manifests);
    List<String> objects = Chart.documents(manifests).stream()
        .map(d -> d.get("kind").toString().toLowerCase() + "/" + Chart.metadata(d).get("name"))
        .toList();

    Chart.Result dryRun = Chart.apply(manifests, true);
    assertThat(dryRun.exit()).as(dryRun.output()).isZero();
    assertThat(dryRun.stdout().lines().filter(l -> l.endsWith("(server dry run)")).count())
        .as("every object accepted: %s", dryRun.stdout()).isEqualTo(objects.size());
    Chart.Result applied = Chart.apply(manifests, false);
    assertThat(applied.exit()).as(applied.output()).isZero();

    assertThat(objects).contains("serviceaccount/osm-controller", "role/osm-controller",
        "rolebinding/osm-controller", "clusterrole/osm-controller-" + namespace,
        "clusterrolebinding/osm-controller-" + namespace, "deployment/osm-controller", "service/osm-controller",
        "service/osm-config-validator", "mutatingwebhookconfiguration/osm-webhook-" + namespace,
        "validatingwebhookconfiguration/osm-webhook-validator-" + namespace,
        "poddisruptionbudget/osm-controller");
    Map<String, V1EnvVar> stored = new AppsV1Api(TestCluster.client())
        .readNamespacedDeployment("osm-controller", namespace).execute()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(V1EnvVar::getName, e -> e));
    assertThat(stored.get("OpenServiceMesh_osmNamespace").getValue()).isEqualTo(namespace);
    if (sets.containsKey("webhookClientCa.configMapName")) {
      assertThat(stored.get("OpenServiceMesh_webhook_clientCaFile").getValue())
          .isEqualTo("/etc/osm/webhook-client-ca/ca.crt");
      assertThat(stored.get("OpenServiceMesh_webhook_clientNames").getValue())
          .isEqualTo("kube-apiserver-webhook-client");
    } else {
      assertThat(stored).as("no client authentication by default").doesNotContainKey("OpenServiceMesh_webhook_clientCaFile");
    }
    if (sets.containsKey("OpenServiceMesh.certificateManager")) {
      assertThat(stored.get("OpenServiceMesh_certificateManager").getValue())
          .isEqualTo(sets.get("OpenServiceMesh.certificateManager"));
    } else {
      assertThat(stored).as("left to the control plane's default, tresor").doesNotContainKey("OpenServiceMesh_certificateManager");
    }
    List<V1PolicyRule> roleRules = new RbacAuthorizationV1Api(TestCluster.client())
        .readNamespacedRole("osm-controller", namespace).execute().getRules();
    assertThat(roleRules.get(0).getResourceNames()).containsExactly("osm-ca-bundle");
  }

  @Test
  void everySettingReachesTheContainerAsItsMicroProfileConfigVariableWithItsDefault() {
    Map<String, Map<String, Object>> environment = Chart.controllerEnvironment(Chart.render("osm-system", Map.of()));

    for (Setting setting : Setting.values()) {
      if (setting.alias().isPresent()) {
        assertThat(environment).as("%s: left to its other name, else the default", setting.key())
            .doesNotContainKey(setting.environmentVariable());
      } else if (setting == Setting.LOCAL_CA_BUNDLE_DIRECTORY) {
        assertThat(environment).as("standalone only").doesNotContainKey(setting.environmentVariable());
      } else if (setting == Setting.OSM_NAMESPACE) {
        assertThat(environment.get(setting.environmentVariable())).containsEntry("value", "osm-system");
      } else if (setting.defaultValue().equals(java.util.Optional.of("[]"))) {
        assertThat(environment).as("%s: an empty list is left to the default", setting.key())
            .doesNotContainKey(setting.environmentVariable());
      } else if (setting.defaultValue().isPresent()) {
        assertThat(environment.get(setting.environmentVariable()))
            .as(setting.key()).containsEntry("value", setting.defaultValue().get());
      } else {
        assertThat(environment).as("%s has no default: left unset", setting.key())
            .doesNotContainKey(setting.environmentVariable());
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void metricsAreOnTheServiceAnnotatedForPrometheusWithAnOptionalServiceMonitorAndAlerts() throws Exception {
    String namespace = "osm-metrics";
    String defaults = Chart.render(namespace, Map.of());
    Map<String, Object> service = Chart.object(defaults, "Service", "osm-controller");
    assertThat((List<Map<String, Object>>) ((Map<String, Object>) service.get("spec")).get("ports"))
        .anySatisfy(port -> assertThat(port).containsEntry("name", "metrics").containsEntry("port", 9080)
            .containsEntry("targetPort", "http"));
    Map<String, Object> scrape = Map.of(
        "prometheus.io/scrape", "true", "prometheus.io/port", "9080", "prometheus.io/path", "/metrics");
    assertThat((Map<String, Object>) Chart.metadata(service).get("annotations")).containsAllEntriesOf(scrape);
    Map<String, Object> podTemplate = (Map<String, Object>) ((Map<String, Object>) Chart.object(
        defaults, "Deployment", "osm-controller").get("spec")).get("template");
    assertThat((Map<String, Object>) Chart.metadata(podTemplate).get("annotations")).containsAllEntriesOf(scrape);
    assertThat(Chart.documents(defaults)).extracting(d -> d.get("kind"))
        .as("the Prometheus Operator's objects only when asked for").doesNotContain("ServiceMonitor", "PrometheusRule");

    String operator = Chart.render(namespace, Map.of("metrics.serviceMonitor.enabled", "true",
        "metrics.serviceMonitor.labels.release", "prometheus", "metrics.prometheusRule.enabled", "true"));
    Map<String, Object> monitor = Chart.object(operator, "ServiceMonitor", "osm-controller");
    assertThat((Map<String, Object>) Chart.metadata(monitor).get("labels")).containsEntry("release", "prometheus");
    assertThat((List<Map<String, Object>>) ((Map<String, Object>) monitor.get("spec")).get("endpoints"))
        .singleElement().satisfies(endpoint -> assertThat(endpoint).containsEntry("port", "metrics")
            .containsEntry("path", "/metrics"));
    List<Map<String, Object>> rules = (List<Map<String, Object>>) ((List<Map<String, Object>>)
        ((Map<String, Object>) Chart.object(operator, "PrometheusRule", "osm-controller").get("spec")).get("groups"))
        .get(0).get("rules");
    assertThat(rules).extracting(rule -> rule.get("alert")).contains("OsmRootCertificateExpiresSoon",
        "OsmCertificatesOverdue", "OsmCertificateRenewalFailures", "OsmNoSdsStreamAcking");
    assertThat(rules).filteredOn(rule -> "OsmRootCertificateExpiresSoon".equals(rule.get("alert")))
        .singleElement().satisfies(rule -> assertThat(rule.get("expr").toString()).contains("< 2592000"));

    // Every metric an alert reads is one the control plane serves, as docs/metrics.md lists them.
    String documented = Files.readString(Path.of("docs", "metrics.md"));
    TreeSet<String> read = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      Matcher name = Pattern.compile("osm_[a-z0-9_]+").matcher(rule.get("expr").toString());
      while (name.find()) {
        read.add(name.group());
      }
    }
    assertThat(read).isNotEmpty().allSatisfy(family -> assertThat(documented).contains("| `" + family + "` |"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void helmTestChecksReadinessAndMetricsThroughTheService() {
    String namespace = "osm-helm-test";
    Map<String, Object> pod = Chart.object(Chart.render(namespace, Map.of()), "Pod", "osm-controller-test-readiness");
    assertThat((Map<String, Object>) Chart.metadata(pod).get("annotations")).containsEntry("helm.sh/hook", "test");
    Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) pod.get("spec"))
        .get("containers")).get(0);
    assertThat(container.get("args").toString())
        .contains("http://osm-controller." + namespace + ".svc:9080", "/health/ready", "/metrics");
    assertThat((Map<String, Object>) container.get("securityContext")).containsEntry("readOnlyRootFilesystem", true);

    assertThat(Chart.documents(Chart.render(namespace, Map.of("helmTest.enabled", "false"))))
        .extracting(d -> d.get("kind")).doesNotContain("Pod");
  }

  @Test
  void theChartPassesHelmLintStrict() {
    for (String manager : List.of("tresor", "cert-manager")) {
      Chart.Result lint = Chart.helm("lint", "--strict", Chart.DIRECTORY.toString(),
          "--set", "OpenServiceMesh.certificateManager=" + manager);
      assertThat(lint.exit()).as(lint.output()).isZero();
      assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }
  }

  @Test
  void setValuesArriveAsTextAndListsCommaSeparated() {
    Map<String, Map<String, Object>> environment = Chart.controllerEnvironment(Chart.render("osm-system",
        Map.of("OpenServiceMesh.vault.port", "8201", "OpenServiceMesh.serviceCertValidityDuration", "1h30m",
            "OpenServiceMesh.outboundPortExclusionList", "{6379,5432}",
            "OpenServiceMesh.webhook.extraServingNames", "{osm.example.com,localhost}",
            "OpenServiceMesh.certmanager.keepCertificateRequests", "true")));

    assertThat(environment.get("OpenServiceMesh_vault_port")).containsEntry("value", "8201");
    assertThat(environment.get("OpenServiceMesh_serviceCertValidityDuration")).containsEntry("value", "1h30m");
    assertThat(environment.get("OpenServiceMesh_outboundPortExclusionList")).containsEntry("value", "6379,5432");
    assertThat(environment.get("OpenServiceMesh_webhook_extraServingNames"))
        .containsEntry("value", "osm.example.com,localhost");
    assertThat(environment.get("OpenServiceMesh_certmanager_keepCertificateRequests")).containsEntry("value", "true");
  }

  @Test
  void theControllerKnowsItsOwnPodFromTheDownwardApi() {
    Map<String, Map<String, Object>> environment = Chart.controllerEnvironment(Chart.render("osm-system", Map.of()));

    // The subject of the Events about the control plane itself (IssuanceFailed).
    assertThat(environment.get("POD_NAME"))
        .containsEntry("valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name")));
    assertThat(environment.get("POD_NAMESPACE"))
        .containsEntry("valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.namespace")));
  }

  @Test
  void theVaultTokenComesFromASecretAndNeverAppearsInTheDeployment() {
    String token = "hvs.chart-test-" + SUFFIX;
    String manifests = Chart.render("osm-system", Map.of("OpenServiceMesh.certificateManager", "vault",
        "OpenServiceMesh.vault.host", "vault", "OpenServiceMesh.vault.token", token));

    String deployment = new org.yaml.snakeyaml.Yaml().dump(Chart.object(manifests, "Deployment", "osm-controller"));
    String encoded = Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    assertThat(deployment).doesNotContain(token).doesNotContain(encoded);
    assertThat(Chart.controllerEnvironment(manifests).get("OpenServiceMesh_vault_token"))
        .doesNotContainKey("value")
        .containsEntry("valueFrom", Map.of("secretKeyRef", Map.of("name", "osm-vault-token", "key", "token")));
    assertThat(Chart.object(manifests, "Secret", "osm-vault-token").get("data"))
        .isEqualTo(Map.of("token", encoded));

    Map<String, Map<String, Object>> fromExisting = Chart.controllerEnvironment(Chart.render("osm-system",
        Map.of("OpenServiceMesh.certificateManager", "vault", "OpenServiceMesh.vault.host", "vault",
            "vaultToken.existingSecret", "team-vault", "vaultToken.key", "osm")));
    assertThat(fromExisting.get("OpenServiceMesh_vault_token"))
        .containsEntry("valueFrom", Map.of("secretKeyRef", Map.of("name", "team-vault", "key", "osm")));
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("OpenServiceMesh.certificateManager", "venafi",
            "at '/OpenServiceMesh/certificateManager': value must be one of '', 'tresor', 'vault', 'cert-manager'"),
        Arguments.of("OpenServiceMesh.vault.protocol", "ftp",
            "at '/OpenServiceMesh/vault/protocol': value must be one of 'http', 'https'"),
        Arguments.of("OpenServiceMesh.serviceCertValidityDuration", "1hour",
            "at '/OpenServiceMesh/serviceCertValidityDuration': '1hour' does not match pattern"),
        Arguments.of("OpenServiceMesh.serviceCertValidityDuration", "-24h",
            "at '/OpenServiceMesh/serviceCertValidityDuration': '-24h' does not match pattern"),
        Arguments.of("OpenServiceMesh.sds.maxStreamAge", "30",
            "at '/OpenServiceMesh/sds/maxStreamAge': got number, want string"),
        Arguments.of("OpenServiceMesh.certKeyAlgorithm", "dsa",
            "at '/OpenServiceMesh/certKeyAlgorithm': value must be one of 'ecdsa-p256', 'ecdsa-p384', 'rsa'"),
        Arguments.of("OpenServiceMesh.certKeyBitSize", "1024",
            "at '/OpenServiceMesh/certKeyBitSize': value must be one of 2048, 3072, 4096"),
        Arguments.of("OpenServiceMesh.vault.port", "70000", "at '/OpenServiceMesh/vault/port': maximum"),
        Arguments.of("OpenServiceMesh.vault.port", "0", "at '/OpenServiceMesh/vault/port': minimum"),
        Arguments.of("OpenServiceMesh.vault.host", "https://vault:8200",
            "at '/OpenServiceMesh/vault/host': 'https://vault:8200' does not match pattern"),
        Arguments.of("OpenServiceMesh.vault.authMethod", "ldap",
            "at '/OpenServiceMesh/vault/authMethod': value must be one of 'token', 'kubernetes'"),
        Arguments.of("OpenServiceMesh.certmanager.issuerKind", "clusterissuer",
            "at '/OpenServiceMesh/certmanager/issuerKind': value must be one of 'Issuer', 'ClusterIssuer'"),
        Arguments.of("OpenServiceMesh.caBundleSecretName", "Osm_CA",
            "at '/OpenServiceMesh/caBundleSecretName': 'Osm_CA' does not match pattern"),
        Arguments.of("OpenServiceMesh.osmNamespace", "elsewhere",
            "at '/OpenServiceMesh': additional properties 'osmNamespace' not allowed"),
        Arguments.of("OpenServiceMesh.vault.hots", "vault",
            "at '/OpenServiceMesh/vault': additional properties 'hots' not allowed"),
        Arguments.of("injector.failurePolicy", "Retry",
            "at '/injector/failurePolicy': value must be one of 'Fail', 'Ignore'"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void aBadSetIsRefusedByTheSchemaWithItsPathAndReason(String key, String value, String message) {
    Chart.Result result = Chart.template("osm-system", Map.of(key, value));

    assertThat(result.exit()).isNotZero();
    assertThat(result.stderr())
        .contains("values don't meet the specifications of the schema(s)")
        .contains(message);
  }

  static Stream<Arguments> inconsistentValues() {
    Map<String, String> vault = Map.of("OpenServiceMesh.certificateManager", "vault",
        "OpenServiceMesh.vault.host", "vault.example.com");
    return Stream.of(
        Arguments.of(Map.of("OpenServiceMesh.certificateManager", "vault", "vaultToken.existingSecret", "t"),
            "OpenServiceMesh.vault.host is required with OpenServiceMesh.certificateManager=vault"),
        Arguments.of(vault, "the Vault token is missing"),
        Arguments.of(with(vault, "OpenServiceMesh.vault.token", "x", "vaultToken.existingSecret", "t"),
            "set either OpenServiceMesh.vault.token or vaultToken.existingSecret, not both"),
        Arguments.of(with(vault, "OpenServiceMesh.vault.authMethod", "kubernetes"),
            "OpenServiceMesh.vault.kubernetesRole is required with OpenServiceMesh.vault.authMethod=kubernetes"),
        Arguments.of(with(vault, "OpenServiceMesh.vault.authMethod", "kubernetes",
                "OpenServiceMesh.vault.kubernetesRole", "osm", "vaultToken.existingSecret", "t"),
            "OpenServiceMesh.vault.authMethod=kubernetes logs in without one"),
        Arguments.of(with(vault, "OpenServiceMesh.vault.protocol", "http", "vaultToken.existingSecret", "t",
            "vaultCa.secretName", "vault-ca"),
            "a Vault CA file is only used over HTTPS: --set OpenServiceMesh.vault.protocol=https"),
        Arguments.of(Map.of("webhookClientCa.secretName", "ca", "webhookClientCa.configMapName", "ca"),
            "set either webhookClientCa.secretName or webhookClientCa.configMapName, not both"),
        Arguments.of(Map.of("webhookClientCa.configMapName", "ca", "OpenServiceMesh.webhook.clientCaFile", "/ca.crt"),
            "webhookClientCa mounts the client CA file and sets OpenServiceMesh.webhook.clientCaFile itself"),
        Arguments.of(Map.of("OpenServiceMesh.webhook.clientNames", "{kube-apiserver}"),
            "OpenServiceMesh.webhook.clientNames are checked on client certificates only"));
  }

  @ParameterizedTest
  @MethodSource("inconsistentValues")
  void valuesThatContradictEachOtherAreRefusedWithTheFix(Map<String, String> sets, String message) {
    Chart.Result result = Chart.template("osm-system", sets);

    assertThat(result.exit()).isNotZero();
    assertThat(result.stderr()).contains(message);
  }

  @Test
  void theValidatorIsLimitedToOsmConfigWhereMatchConditionsExistAndOtherwiseFailsOpen() {
    Map<String, Object> recent = validatingWebhook(Chart.render("osm-system", Map.of(), "--kube-version", "1.30.0"));
    Map<String, Object> older = validatingWebhook(Chart.render("osm-system", Map.of(), "--kube-version", "1.27.0"));
    Map<String, Object> chosen = validatingWebhook(Chart.render("osm-system", Map.of("validator.failurePolicy", "Fail"),
        "--kube-version", "1.27.0"));

    assertThat(recent).containsEntry("failurePolicy", "Fail")
        .containsEntry("matchConditions", List.of(Map.of("name", "osm-config-only",
            "expression", "object.metadata.name == 'osm-config'")));
    assertThat(older).containsEntry("failurePolicy", "Ignore").doesNotContainKey("matchConditions");
    assertThat(chosen).containsEntry("failurePolicy", "Fail");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> validatingWebhook(String manifests) {
    Map<String, Object> configuration =
        Chart.object(manifests, "ValidatingWebhookConfiguration", "osm-webhook-validator-osm-system");
    return ((List<Map<String, Object>>) configuration.get("webhooks")).get(0);
  }

  private static Map<String, String> with(Map<String, String> base, String... keysAndValues) {
    Map<String, String> merged = new LinkedHashMap<>(base);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      merged.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return merged;
  }

  private static Chart.Result delete(String objects) {
    if (objects.isBlank()) {
      return new Chart.Result(0, "", "");
    }
    return Chart.kubectl(("delete --ignore-not-found " + objects).split(" "));
  }
}

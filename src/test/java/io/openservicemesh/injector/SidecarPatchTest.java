package io.openservicemesh.injector;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.openservicemesh.config.InjectorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Patches are applied with an independent JSON-patch implementation and the resulting pods checked. */
class SidecarPatchTest {

  private static final UUID UUID_1 = UUID.fromString("5c4a7e4e-1b2d-4f7c-9a0e-2f6f1e9d7c11");
  private static final String SECRET = "envoy-bootstrap-config-" + UUID_1;
  private static final InjectorSettings SETTINGS = Pods.settings(Map.of(
      "OpenServiceMesh.sidecarImage", "registry.local/envoy:v9",
      "OpenServiceMesh.initContainerImage", "registry.local/init:v9",
      "OpenServiceMesh.envoyLogLevel", "debug",
      "OpenServiceMesh.outboundPortExclusionList", "6379,5432",
      "OpenServiceMesh.outboundIPRangeExclusionList", "169.254.169.254/32")).injector();

  private static JsonObject injected(JsonObject pod, InjectorSettings settings) {
    JsonArray patch = SidecarPatch.forPod(new AdmittedPod(pod, "ns"), UUID_1, SECRET, settings);
    return Pods.apply(patch, pod);
  }

  @Test
  void aMinimalPodGetsWholeMapsAndArrays() {
    JsonObject pod = Pods.minimal();
    JsonArray patch = SidecarPatch.forPod(new AdmittedPod(pod, "bookstore"), UUID_1, SECRET, SETTINGS);

    assertThat(paths(patch)).containsExactly("/metadata/labels", "/metadata/annotations", "/spec/volumes",
        "/spec/initContainers", "/spec/containers/-");
    JsonObject result = Pods.apply(patch, pod);

    assertThat(result.getAsJsonObject("metadata").getAsJsonObject("labels").get("osm-proxy-uuid").getAsString())
        .isEqualTo(UUID_1.toString());
    assertThat(annotations(result)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "prometheus.io/scrape", "true", "prometheus.io/port", "15010", "prometheus.io/path", "/stats/prometheus"));
    assertThat(names(result, "containers")).containsExactly("app", "envoy");
    assertThat(names(result, "initContainers")).containsExactly("osm-init");
    assertThat(names(result, "volumes")).containsExactly("envoy-bootstrap-config-volume");
    JsonObject volume = result.getAsJsonObject("spec").getAsJsonArray("volumes").get(0).getAsJsonObject();
    assertThat(volume.getAsJsonObject("secret").get("secretName").getAsString()).isEqualTo(SECRET);
  }

  @Test
  void aPodWithItsOwnMapsAndArraysKeepsThemAndGetsAppends() {
    JsonObject pod = Pods.full();
    JsonArray patch = SidecarPatch.forPod(new AdmittedPod(pod, "bookbuyer"), UUID_1, SECRET, SETTINGS);

    assertThat(paths(patch)).containsExactly("/metadata/labels/osm-proxy-uuid",
        "/metadata/annotations/prometheus.io~1port", "/metadata/annotations/prometheus.io~1path",
        "/spec/volumes/-", "/spec/initContainers/-", "/spec/containers/-");
    JsonObject result = Pods.apply(patch, pod);

    assertThat(result.getAsJsonObject("metadata").getAsJsonObject("labels").keySet())
        .containsExactly("app", "app.kubernetes.io/part-of", "osm-proxy-uuid");
    // The pod's own choice not to be scraped is kept; the other annotations are added.
    assertThat(annotations(result)).containsEntry("prometheus.io/scrape", "false")
        .containsEntry("team/owner", "books~shop").containsEntry("prometheus.io/port", "15010");
    assertThat(names(result, "containers")).containsExactly("app", "log", "envoy");
    assertThat(names(result, "initContainers")).containsExactly("migrate", "osm-init");
    assertThat(names(result, "volumes")).containsExactly("data", "envoy-bootstrap-config-volume");
  }

  @Test
  void labelAndAnnotationKeysAreEscapedAsJsonPointers() {
    assertThat(JsonPointer.of("metadata", "annotations", "prometheus.io/scrape"))
        .isEqualTo("/metadata/annotations/prometheus.io~1scrape");
    assertThat(JsonPointer.escape("a~/b")).isEqualTo("a~0~1b");
    assertThat(JsonPointer.escape("~1")).isEqualTo("~01");
  }

  @Test
  void theSidecarRunsEnvoyWithTheBootstrapAsTheUnprivilegedProxyUser() {
    JsonObject envoy = container(injected(Pods.minimal(), SETTINGS), "containers", "envoy");

    assertThat(envoy.get("image").getAsString()).isEqualTo("registry.local/envoy:v9");
    assertThat(strings(envoy.getAsJsonArray("args")))
        .containsExactly("--config-path", "/etc/envoy/bootstrap.yaml", "--log-level", "debug");
    JsonObject mount = envoy.getAsJsonArray("volumeMounts").get(0).getAsJsonObject();
    assertThat(mount.get("name").getAsString()).isEqualTo("envoy-bootstrap-config-volume");
    assertThat(mount.get("mountPath").getAsString()).isEqualTo("/etc/envoy");
    assertThat(mount.get("readOnly").getAsBoolean()).isTrue();
    JsonObject security = envoy.getAsJsonObject("securityContext");
    assertThat(security.get("runAsUser").getAsLong()).isEqualTo(1500);
    assertThat(security.get("allowPrivilegeEscalation").getAsBoolean()).isFalse();
  }

  @Test
  void theInitContainerRedirectsWithTheConfiguredExclusions() {
    JsonObject init = container(injected(Pods.minimal(), SETTINGS), "initContainers", "osm-init");

    assertThat(init.get("image").getAsString()).isEqualTo("registry.local/init:v9");
    List<String> command = strings(init.getAsJsonArray("command"));
    assertThat(command.subList(0, 2)).containsExactly("/bin/sh", "-c");
    assertThat(command.get(2))
        .contains("-m multiport --dports 6379,5432 -j RETURN")
        .contains("-d 169.254.169.254/32 -j RETURN")
        .contains("--uid-owner 1500 -j RETURN");
    assertThat(strings(init.getAsJsonObject("securityContext").getAsJsonObject("capabilities").getAsJsonArray("add")))
        .containsExactly("NET_ADMIN");
  }

  @Test
  void withoutPrometheusScrapingNoAnnotationsAreAdded() {
    InjectorSettings noScraping = Pods.settings(Map.of("OpenServiceMesh.enablePrometheusScraping", "false")).injector();

    JsonObject result = injected(Pods.minimal(), noScraping);

    assertThat(result.getAsJsonObject("metadata").has("annotations")).isFalse();
  }

  @Test
  void aPodWithoutMetadataGetsIt() {
    JsonObject pod = Pods.json("{\"spec\": {\"containers\": [{\"name\": \"app\", \"image\": \"x\"}]}}");

    JsonObject result = injected(pod, SETTINGS);

    assertThat(result.getAsJsonObject("metadata").getAsJsonObject("labels").get("osm-proxy-uuid").getAsString())
        .isEqualTo(UUID_1.toString());
    assertThat(annotations(result)).containsKey("prometheus.io/scrape");
  }

  private static List<String> paths(JsonArray patch) {
    List<String> paths = new ArrayList<>();
    patch.forEach(op -> {
      assertThat(op.getAsJsonObject().get("op").getAsString()).isEqualTo("add");
      paths.add(op.getAsJsonObject().get("path").getAsString());
    });
    return paths;
  }

  private static Map<String, String> annotations(JsonObject pod) {
    Map<String, String> annotations = new java.util.LinkedHashMap<>();
    pod.getAsJsonObject("metadata").getAsJsonObject("annotations").entrySet()
        .forEach(e -> annotations.put(e.getKey(), e.getValue().getAsString()));
    return annotations;
  }

  static List<String> names(JsonObject pod, String array) {
    List<String> names = new ArrayList<>();
    pod.getAsJsonObject("spec").getAsJsonArray(array).forEach(e -> names.add(e.getAsJsonObject().get("name").getAsString()));
    return names;
  }

  static JsonObject container(JsonObject pod, String array, String name) {
    for (JsonElement element : pod.getAsJsonObject("spec").getAsJsonArray(array)) {
      if (element.getAsJsonObject().get("name").getAsString().equals(name)) {
        return element.getAsJsonObject();
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  private static List<String> strings(JsonArray array) {
    List<String> strings = new ArrayList<>();
    array.forEach(e -> strings.add(e.getAsString()));
    return strings;
  }
}

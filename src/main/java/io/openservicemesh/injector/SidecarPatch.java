package io.openservicemesh.injector;

import io.openservicemesh.bootstrap.BootstrapFiles;
import io.openservicemesh.bootstrap.ProxyPorts;
import io.openservicemesh.identity.ProxyIdentity;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.openservicemesh.config.InjectorSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON patch (RFC 6902) that turns an admitted pod into a meshed one: the proxy's label, the volume with its
 * bootstrap Secret, the Envoy sidecar, the traffic-redirection init container and, when enabled, Prometheus
 * annotations. A pure function of the pod and the settings.
 *
 * <p>Every operation is an {@code add}: a map or array the pod lacks is added whole, an existing array gets
 * {@code /-} appends and an existing map gets one member per key, so nothing the pod already has is replaced.
 * Annotations the pod already sets (its own Prometheus settings) are kept.
 */
public final class SidecarPatch {

  public static final String BOOTSTRAP_VOLUME = "envoy-bootstrap-config-volume";
  public static final String INIT_CONTAINER = "osm-init";

  private SidecarPatch() {}

  public static JsonArray forPod(AdmittedPod pod, UUID proxyUuid, String bootstrapSecret, InjectorSettings settings) {
    JsonArray patch = new JsonArray();
    if (!pod.json().has("metadata") || !pod.json().get("metadata").isJsonObject()) {
      patch.add(add("/metadata", new JsonObject()));
    }
    addToMap(patch, pod, "labels", Map.of(ProxyIdentity.POD_LABEL, proxyUuid.toString()));
    if (settings.prometheusScraping()) {
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put("prometheus.io/scrape", "true");
      annotations.put("prometheus.io/port", String.valueOf(ProxyPorts.PROMETHEUS));
      annotations.put("prometheus.io/path", ProxyPorts.PROMETHEUS_PATH);
      annotations.keySet().removeAll(pod.annotations().keySet());
      if (!annotations.isEmpty()) {
        addToMap(patch, pod, "annotations", annotations);
      }
    }
    appendToArray(patch, pod, "volumes", bootstrapVolume(bootstrapSecret));
    appendToArray(patch, pod, "initContainers", initContainer(settings));
    appendToArray(patch, pod, "containers", sidecar(settings));
    return patch;
  }

  static JsonObject bootstrapVolume(String secretName) {
    JsonObject secret = new JsonObject();
    secret.addProperty("secretName", secretName);
    JsonObject volume = new JsonObject();
    volume.addProperty("name", BOOTSTRAP_VOLUME);
    volume.add("secret", secret);
    return volume;
  }

  /**
   * Envoy, running as the proxy user the redirection rules exempt, without privileges, reading only its
   * bootstrap. The listener ports are declared so they show up in the pod's description.
   */
  static JsonObject sidecar(InjectorSettings settings) {
    JsonObject container = new JsonObject();
    container.addProperty("name", InjectionPolicy.SIDECAR_CONTAINER);
    container.addProperty("image", settings.sidecarImage());
    container.addProperty("imagePullPolicy", "IfNotPresent");
    container.add("command", strings("envoy"));
    container.add("args", strings(
        "--config-path", BootstrapFiles.MOUNT_PATH + "/" + BootstrapFiles.BOOTSTRAP,
        "--log-level", settings.envoyLogLevel()));
    JsonArray ports = new JsonArray();
    ports.add(port("proxy-admin", ProxyPorts.ADMIN));
    ports.add(port("proxy-outbound", ProxyPorts.OUTBOUND));
    ports.add(port("proxy-inbound", ProxyPorts.INBOUND));
    ports.add(port("proxy-metrics", ProxyPorts.PROMETHEUS));
    container.add("ports", ports);
    JsonObject mount = new JsonObject();
    mount.addProperty("name", BOOTSTRAP_VOLUME);
    // The whole volume, never a subPath: the kubelet updates a Secret volume in place only when it is mounted whole,
    // and a renewed credential reaches Envoy only that way.
    mount.addProperty("mountPath", BootstrapFiles.MOUNT_PATH);
    mount.addProperty("readOnly", true);
    JsonArray mounts = new JsonArray();
    mounts.add(mount);
    container.add("volumeMounts", mounts);
    JsonObject capabilities = new JsonObject();
    capabilities.add("drop", strings("ALL"));
    JsonObject security = new JsonObject();
    security.addProperty("runAsUser", ProxyPorts.PROXY_UID);
    security.addProperty("runAsNonRoot", true);
    security.addProperty("allowPrivilegeEscalation", false);
    security.addProperty("readOnlyRootFilesystem", true);
    security.add("capabilities", capabilities);
    container.add("securityContext", security);
    return container;
  }

  /** Root with NET_ADMIN only: what writing iptables rules in the pod's network namespace takes. */
  static JsonObject initContainer(InjectorSettings settings) {
    JsonObject container = new JsonObject();
    container.addProperty("name", INIT_CONTAINER);
    container.addProperty("image", settings.initContainerImage());
    container.addProperty("imagePullPolicy", "IfNotPresent");
    container.add("command", strings("/bin/sh", "-c",
        TrafficRedirection.script(settings.outboundPortExclusions(), settings.outboundIpRangeExclusions())));
    JsonObject capabilities = new JsonObject();
    capabilities.add("add", strings("NET_ADMIN"));
    capabilities.add("drop", strings("ALL"));
    JsonObject security = new JsonObject();
    security.addProperty("runAsUser", 0);
    security.addProperty("runAsNonRoot", false);
    security.addProperty("allowPrivilegeEscalation", false);
    security.add("capabilities", capabilities);
    container.add("securityContext", security);
    return container;
  }

  private static void addToMap(JsonArray patch, AdmittedPod pod, String map, Map<String, String> entries) {
    if (pod.hasMetadataMap(map)) {
      entries.forEach((key, value) -> patch.add(add(JsonPointer.of("metadata", map, key), new JsonPrimitive(value))));
    } else {
      JsonObject whole = new JsonObject();
      entries.forEach(whole::addProperty);
      patch.add(add(JsonPointer.of("metadata", map), whole));
    }
  }

  private static void appendToArray(JsonArray patch, AdmittedPod pod, String array, JsonObject element) {
    if (pod.hasSpecArray(array)) {
      patch.add(add(JsonPointer.of("spec", array) + "/-", element));
    } else {
      JsonArray whole = new JsonArray();
      whole.add(element);
      patch.add(add(JsonPointer.of("spec", array), whole));
    }
  }

  private static JsonObject add(String path, JsonElement value) {
    JsonObject operation = new JsonObject();
    operation.addProperty("op", "add");
    operation.addProperty("path", path);
    operation.add("value", value);
    return operation;
  }

  private static JsonObject port(String name, int number) {
    JsonObject port = new JsonObject();
    port.addProperty("name", name);
    port.addProperty("containerPort", number);
    port.addProperty("protocol", "TCP");
    return port;
  }

  private static JsonArray strings(String... values) {
    JsonArray array = new JsonArray();
    for (String value : values) {
      array.add(value);
    }
    return array;
  }
}

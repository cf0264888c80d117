package io.openservicemesh.injector;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only view of a pod as the API server sent it for admission (the raw JSON, so nothing unknown to this
 * code is lost). Every accessor tolerates missing or mistyped fields: the API server validates pods after
 * the mutating webhooks have run, so a webhook may see anything.
 */
public final class AdmittedPod {

  private final JsonObject pod;
  private final String namespace;

  /** @param namespace the admission request's namespace: a pod being created may not carry its own yet */
  public AdmittedPod(JsonObject pod, String namespace) {
    this.pod = pod;
    this.namespace = namespace;
  }

  public JsonObject json() {
    return pod;
  }

  public String namespace() {
    return namespace;
  }

  /** The name, when the pod's creator chose one (a controller's pods get theirs from generateName later). */
  public java.util.Optional<String> name() {
    return metadataString("name").filter(n -> !n.isEmpty());
  }

  /** The name, or the generateName prefix with "*" while the API server has yet to pick one. */
  public String displayName() {
    return metadataString("name").filter(n -> !n.isEmpty())
        .or(() -> metadataString("generateName").map(g -> g + "*"))
        .orElse("(unnamed)");
  }

  public Map<String, String> labels() {
    return stringMap("labels");
  }

  public Map<String, String> annotations() {
    return stringMap("annotations");
  }

  public boolean hasMetadataMap(String member) {
    return metadata().map(m -> m.get(member)).map(JsonElement::isJsonObject).orElse(false);
  }

  /** spec.serviceAccountName, or "default" as Kubernetes assigns when it is empty. */
  public String serviceAccount() {
    return spec().map(s -> s.get("serviceAccountName"))
        .filter(JsonElement::isJsonPrimitive).map(JsonElement::getAsString)
        .filter(s -> !s.isEmpty()).orElse("default");
  }

  public boolean hostNetwork() {
    return spec().map(s -> s.get("hostNetwork"))
        .filter(e -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())
        .map(JsonElement::getAsBoolean).orElse(false);
  }

  /** Whether spec.{member} is present as an array (containers, initContainers, volumes). */
  public boolean hasSpecArray(String member) {
    return spec().map(s -> s.get(member)).map(JsonElement::isJsonArray).orElse(false);
  }

  public boolean hasContainerNamed(String name) {
    return containerNamed("containers", name) || containerNamed("initContainers", name);
  }

  private boolean containerNamed(String member, String name) {
    if (!hasSpecArray(member)) {
      return false;
    }
    JsonArray containers = spec().get().getAsJsonArray(member);
    for (JsonElement container : containers) {
      if (container.isJsonObject() && container.getAsJsonObject().get("name") != null
          && container.getAsJsonObject().get("name").isJsonPrimitive()
          && name.equals(container.getAsJsonObject().get("name").getAsString())) {
        return true;
      }
    }
    return false;
  }

  private Optional<JsonObject> metadata() {
    JsonElement metadata = pod.get("metadata");
    return metadata != null && metadata.isJsonObject() ? Optional.of(metadata.getAsJsonObject()) : Optional.empty();
  }

  private Optional<JsonObject> spec() {
    JsonElement spec = pod.get("spec");
    return spec != null && spec.isJsonObject() ? Optional.of(spec.getAsJsonObject()) : Optional.empty();
  }

  private Optional<String> metadataString(String member) {
    return metadata().map(m -> m.get(member)).filter(JsonElement::isJsonPrimitive).map(JsonElement::getAsString);
  }

  private Map<String, String> stringMap(String member) {
    Map<String, String> values = new LinkedHashMap<>();
    metadata().map(m -> m.get(member)).filter(JsonElement::isJsonObject).ifPresent(map -> {
      for (Map.Entry<String, JsonElement> entry : map.getAsJsonObject().entrySet()) {
        if (entry.getValue().isJsonPrimitive()) {
          values.put(entry.getKey(), entry.getValue().getAsString());
        }
      }
    });
    return values;
  }
}

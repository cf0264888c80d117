package io.openservicemesh.validator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.openservicemesh.config.ConfigProblem;
import io.openservicemesh.webhook.AdmissionHandler;
import io.openservicemesh.webhook.AdmissionRequest;
import io.openservicemesh.webhook.AdmissionResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The validating webhook: refuses a CREATE or UPDATE of the {@code osm-config} ConfigMap in the OSM namespace
 * whose data {@link LiveSettings} does not accept, listing every problem (key, value, accepted form). Anything
 * else the webhook is sent is allowed: the webhook guards one object.
 */
public final class ConfigValidator implements AdmissionHandler {

  private final Supplier<String> osmNamespace;
  private final Function<String, Optional<String>> installTime;

  /** Entries checked on top of the defaults. */
  public ConfigValidator(Supplier<String> osmNamespace) {
    this(osmNamespace, key -> Optional.empty());
  }

  /** @param installTime the configuration without the ConfigMap, against which its entries are checked */
  public ConfigValidator(Supplier<String> osmNamespace, Function<String, Optional<String>> installTime) {
    this.osmNamespace = osmNamespace;
    this.installTime = installTime;
  }

  @Override
  public AdmissionResponse admit(AdmissionRequest request) {
    boolean guarded = "ConfigMap".equals(request.kind()) && LiveSettings.CONFIG_MAP.equals(request.name())
        && osmNamespace.get().equals(request.namespace())
        && ("CREATE".equals(request.operation()) || "UPDATE".equals(request.operation()));
    if (!guarded || request.object().isEmpty()) {
      return AdmissionResponse.allow();
    }
    JsonObject configMap = request.object().get();
    List<ConfigProblem> problems = new java.util.ArrayList<>(LiveSettings.problems(data(configMap), installTime));
    if (configMap.has("binaryData") && configMap.get("binaryData").isJsonObject()) {
      for (String key : configMap.getAsJsonObject("binaryData").keySet()) {
        problems.add(new ConfigProblem(key, key + " is in binaryData; " + LiveSettings.CONFIG_MAP
            + " takes text values in data"));
      }
    }
    if (problems.isEmpty()) {
      return AdmissionResponse.allow();
    }
    return AdmissionResponse.refuse("ConfigMap " + request.namespace() + "/" + LiveSettings.CONFIG_MAP + " has "
        + problems.size() + " problem(s): " + problems.stream().map(ConfigProblem::message)
            .collect(Collectors.joining("; ")));
  }

  static Map<String, String> data(JsonObject configMap) {
    Map<String, String> data = new LinkedHashMap<>();
    JsonElement element = configMap.get("data");
    if (element != null && element.isJsonObject()) {
      element.getAsJsonObject().entrySet().forEach(entry -> data.put(entry.getKey(),
          entry.getValue().isJsonPrimitive() ? entry.getValue().getAsString() : entry.getValue().toString()));
    }
    return data;
  }
}

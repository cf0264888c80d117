package io.openservicemesh.debug;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The health checks with their details, as {@code /health} would show them if it were private: the same document
 * (overall status, then each check's name, status and data), so a tool reading one reads the other. The details
 * never hold key material: the checks report names, serials, instants, counts and reasons.
 */
final class HealthDetails implements DebugDocument {

  private final List<HealthCheckResponse> checks;

  HealthDetails(List<HealthCheckResponse> checks) {
    this.checks = List.copyOf(checks);
  }

  boolean up() {
    return checks.stream().allMatch(check -> check.getStatus() == HealthCheckResponse.Status.UP);
  }

  @Override
  public JsonObject json() {
    JsonArrayBuilder all = Json.createArrayBuilder();
    for (HealthCheckResponse check : checks) {
      JsonObjectBuilder data = Json.createObjectBuilder();
      check.getData().orElse(Map.of()).forEach((key, value) -> {
        if (value instanceof Number number) {
          data.add(key, number.longValue());
        } else if (value instanceof Boolean bool) {
          data.add(key, bool);
        } else {
          data.add(key, String.valueOf(value));
        }
      });
      all.add(Json.createObjectBuilder().add("name", check.getName()).add("status", check.getStatus().name())
          .add("data", data));
    }
    return Json.createObjectBuilder().add("status", up() ? "UP" : "DOWN").add("checks", all).build();
  }

  @Override
  public String text() {
    StringBuilder out = new StringBuilder("health: ").append(up() ? "UP" : "DOWN").append('\n');
    for (HealthCheckResponse check : checks) {
      out.append("  ").append(check.getName()).append(": ").append(check.getStatus().name()).append('\n');
      check.getData().orElse(Map.of())
          .forEach((key, value) -> out.append("    ").append(key).append(": ").append(value).append('\n'));
    }
    return out.toString();
  }
}

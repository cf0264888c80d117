package io.openservicemesh.certificate.certmanager;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import java.util.Optional;

/** Reads the Kubernetes {@code Status} an API error carries, to word messages an operator can act on. */
final class ApiErrors {

  private ApiErrors() {}

  /**
   * E.g. "the Kubernetes API is unreachable (Connection refused)" or "the Kubernetes API answered 403
   * Forbidden: certificaterequests.cert-manager.io is forbidden: User ... cannot create ...".
   */
  static String describe(ApiException e) {
    if (e.getCode() == 0) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return "the Kubernetes API is unreachable (" + cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
    }
    String text = "the Kubernetes API answered " + e.getCode();
    Optional<String> reason = statusField(e, "reason");
    Optional<String> message = statusField(e, "message");
    if (reason.isPresent()) {
      text += " " + reason.get();
    }
    if (message.isPresent()) {
      text += ": " + message.get();
    }
    return text;
  }

  /** The {@code reason} of the Status, e.g. {@code NotFound}, {@code AlreadyExists}, {@code Forbidden}. */
  static Optional<String> reason(ApiException e) {
    return statusField(e, "reason");
  }

  /**
   * True for a 404 about a named object (the Status has {@code details.kind}); false for a 404 about the
   * resource type itself, which the API server answers when a CRD is not installed.
   */
  static boolean isMissingObject(ApiException e) {
    if (e.getCode() != 404) {
      return false;
    }
    return status(e)
        .map(s -> s.get("details"))
        .filter(JsonElement::isJsonObject)
        .map(d -> d.getAsJsonObject().has("kind"))
        .orElse(false);
  }

  private static Optional<String> statusField(ApiException e, String field) {
    return status(e)
        .map(s -> s.get(field))
        .filter(JsonElement::isJsonPrimitive)
        .map(JsonElement::getAsString)
        .filter(s -> !s.isBlank());
  }

  private static Optional<JsonObject> status(ApiException e) {
    String body = e.getResponseBody();
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonElement parsed = JsonParser.parseString(body);
      return parsed.isJsonObject() ? Optional.of(parsed.getAsJsonObject()) : Optional.empty();
    } catch (JsonParseException notJson) {
      // E.g. "404 page not found" as plain text for an API group the server does not serve.
      return Optional.empty();
    }
  }
}

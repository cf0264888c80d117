package io.openservicemesh.k8s;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;

/** How a failed Kubernetes API call is told in a message. */
public final class ApiFailures {

  private ApiFailures() {}

  /**
   * The API server's own explanation (the message of its Status object) with the HTTP code; for a connection
   * failure, the client's message. Never the request, which may hold a key.
   */
  public static String describe(ApiException e) {
    if (e.getCode() == 0) {
      return "the Kubernetes API cannot be reached ("
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()) + ")";
    }
    String message = null;
    try {
      JsonElement status = JsonParser.parseString(e.getResponseBody() == null ? "" : e.getResponseBody());
      if (status.isJsonObject() && status.getAsJsonObject().has("message")) {
        message = status.getAsJsonObject().get("message").getAsString();
      }
    } catch (RuntimeException notAStatus) {
      // A proxy's HTML error page, say: the code alone must do.
    }
    return "HTTP " + e.getCode() + (message == null ? "" : " " + message);
  }
}

package io.openservicemesh.webhook;

import com.google.gson.JsonArray;
import java.util.Optional;

/**
 * A webhook's verdict. A denial carries a message the API server passes to the user, and an HTTP-like code:
 * 403 for a refusal by policy, 500 when the webhook could not do its work (the webhook configuration's
 * failurePolicy then no longer matters: the pod is refused, visibly, rather than admitted without a sidecar).
 *
 * @param patch a JSON patch (RFC 6902) to apply when allowed; empty for "allowed as is"
 */
public record AdmissionResponse(boolean allowed, int code, Optional<String> message, Optional<JsonArray> patch) {

  public static final int REFUSED = 403;
  public static final int TOO_MANY = 429;
  public static final int FAILED = 500;

  public static AdmissionResponse allow() {
    return new AdmissionResponse(true, 200, Optional.empty(), Optional.empty());
  }

  public static AdmissionResponse allowWithPatch(JsonArray patch) {
    return new AdmissionResponse(true, 200, Optional.empty(), Optional.of(patch));
  }

  /** Refused by policy, e.g. an annotation with a value the webhook does not accept. */
  public static AdmissionResponse refuse(String message) {
    return new AdmissionResponse(false, REFUSED, Optional.of(message), Optional.empty());
  }

  /** Not now: too many requests of this kind; the caller (a ReplicaSet controller) retries with backoff. */
  public static AdmissionResponse tooMany(String message) {
    return new AdmissionResponse(false, TOO_MANY, Optional.of(message), Optional.empty());
  }

  /** The webhook could not do its work. */
  public static AdmissionResponse fail(String message) {
    return new AdmissionResponse(false, FAILED, Optional.of(message), Optional.empty());
  }
}

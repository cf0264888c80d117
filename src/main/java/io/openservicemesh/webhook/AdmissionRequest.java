package io.openservicemesh.webhook;

import com.google.gson.JsonObject;
import java.util.Optional;

/**
 * The parts of an AdmissionReview's {@code request} the webhooks act on.
 *
 * @param uid echoed in the response, which the API server matches against its request
 * @param kind the object's kind, e.g. Pod or ConfigMap
 * @param namespace the namespace of the request; for a pod being created it is set even when the pod's own
 *     metadata has none yet
 * @param name may be empty: a pod created with generateName has no name at admission time
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param dryRun true when the API server will not persist the object: the webhook must not have side effects
 * @param object the object as the API server would store it; empty for DELETE
 */
public record AdmissionRequest(
    String uid,
    String kind,
    String namespace,
    String name,
    String operation,
    boolean dryRun,
    Optional<JsonObject> object) {

  /** "namespace/name", or the namespace alone when the object has no name yet, for messages and logs. */
  public String describeObject() {
    String where = namespace.isEmpty() ? "" : namespace + "/";
    return kind + " " + where + (name.isEmpty() ? "(generated name)" : name);
  }
}

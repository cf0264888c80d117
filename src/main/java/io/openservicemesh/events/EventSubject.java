package io.openservicemesh.events;

import java.util.Objects;

/**
 * The object an Event is about, as core/v1's {@code involvedObject} names it. The Event is stored in the
 * subject's namespace (where {@code kubectl describe} finds it), or, for a Namespace, in that namespace itself,
 * where {@code kubectl get events -n <namespace>} lists it beside the Events of its pods.
 *
 * @param namespace empty for a cluster-scoped object
 */
public record EventSubject(String apiVersion, String kind, String namespace, String name) {

  public EventSubject {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an Event's subject needs a name (kind " + kind + ")");
    }
  }

  public static EventSubject secret(String namespace, String name) {
    return new EventSubject("v1", "Secret", namespace, name);
  }

  public static EventSubject pod(String namespace, String name) {
    return new EventSubject("v1", "Pod", namespace, name);
  }

  public static EventSubject namespace(String name) {
    return new EventSubject("v1", "Namespace", "", name);
  }

  /** Where the Event object itself is created. */
  public String eventNamespace() {
    return namespace.isEmpty() && kind.equals("Namespace") ? name : namespace.isEmpty() ? "default" : namespace;
  }

  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}

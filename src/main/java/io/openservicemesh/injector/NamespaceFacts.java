package io.openservicemesh.injector;

import java.util.Map;

/**
 * What the injector reads of a namespace, from the API server's own Namespace object: never from the admission
 * request, which anyone who reaches the webhook port can write.
 *
 * @param labels empty for a namespace that does not exist
 */
public record NamespaceFacts(Map<String, String> labels, Map<String, String> annotations) {

  /** The label {@code osm namespace add} sets and the webhook configuration's namespaceSelector requires. */
  public static final String MONITORED_BY = "openservicemesh.io/monitored-by";

  public static final NamespaceFacts ABSENT = new NamespaceFacts(Map.of(), Map.of());

  public NamespaceFacts {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** Part of the mesh: labelled {@value #MONITORED_BY} (any value). */
  public boolean inMesh() {
    return labels.containsKey(MONITORED_BY);
  }
}

package io.openservicemesh.webhook;

/**
 * How much an admission request may cost the control plane before a byte of it is believed. The webhook port
 * is reachable by anything in the cluster that can open a connection, so these bounds hold for every caller,
 * not only the API server.
 */
public final class AdmissionBodyLimits {

  /**
   * 3 MiB + 64 KiB. The API server refuses request bodies over 3 MiB (its {@code maxRequestBodyBytes}) and
   * etcd objects over 1.5 MiB, so the objects inside a review (the object, and on UPDATE the old object) fit in
   * 3 MiB together; the envelope around them (uid, kind, resource, userInfo with its groups and extra) is a few
   * KiB, and 64 KiB leaves it room. A body over this is not a review the API server sent.
   */
  public static final int MAX_BODY_BYTES = 3 * 1024 * 1024 + 64 * 1024;

  /**
   * Kubernetes objects nest about 15 levels at most (a pod's affinity terms are among the deepest) and the
   * review adds two. Deeper JSON is an attack on code that walks the tree recursively (Gson's writer, JSON
   * pointers), not an object.
   */
  public static final int MAX_DEPTH = 64;

  /**
   * Every JSON value counts: objects, arrays and scalars. A tree node costs Gson some 50-100 bytes, so 3 MiB of
   * {@code [0,0,0,...]} would be about 1.5 million nodes and over 100 MiB of heap per request; 100,000 values
   * keep one review's tree near 10 MiB, while a real pod has a few hundred values and a full 1 MiB ConfigMap
   * (one string per key) far fewer than the limit unless it holds tens of thousands of tiny keys.
   */
  public static final int MAX_VALUES = 100_000;

  private AdmissionBodyLimits() {}

  /** The size limit as messages give it. */
  static String describeMaxBody() {
    return MAX_BODY_BYTES + " bytes (3 MiB + 64 KiB)";
  }
}

package io.openservicemesh.certificate.store;

/**
 * A CA store whose root can be replaced while the mesh runs, by a root rotation, and through which an operator
 * asks for one (an annotation on the CA Secret). The replacement is conditional: it happens only while the
 * store still holds the root the rotation replaces, so two writers never overwrite each other.
 */
public interface RotatingCaBundleStore extends CaBundleStore {

  /** The annotation that asks for a root rotation: {@code kubectl annotate secret osm-ca-bundle ...=now}. */
  String ROTATE_ROOT_ANNOTATION = "openservicemesh.io/rotate-root";

  /**
   * Writes {@code replacement} if the store holds {@code expected} (its certificate and key); nothing if it
   * already holds {@code replacement}.
   *
   * @return false when the store holds neither (someone else changed it): the caller reads it again
   */
  boolean replaceRoot(StoredCaBundle expected, StoredCaBundle replacement) throws CaStoreException;

  /** What the store holds and whether an operator asked for a root rotation: one read of the store for both. */
  record Read(java.util.Optional<StoredCaBundle> bundle, boolean rotationRequested) {}

  Read read() throws CaStoreException;

  /** The request is taken up: removes the annotation (a later one asks for another rotation). */
  void clearRotationRequest() throws CaStoreException;
}

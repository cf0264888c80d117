package io.openservicemesh.certificate.store;

import java.util.Optional;

/**
 * Where the mesh root lives: a Kubernetes Secret in a cluster, a local directory in standalone mode. The
 * private key is kept nowhere else.
 */
public interface CaBundleStore {

  /** Where the bundle is, for messages: e.g. {@code Secret osm-system/osm-ca-bundle}. */
  String location();

  Optional<StoredCaBundle> load() throws CaStoreException;

  /**
   * Stores the bundle unless one is already there, atomically: of several replicas creating at once exactly
   * one wins. Returns what is stored afterwards: the given bundle, or the one that was there first.
   */
  StoredCaBundle createIfAbsent(StoredCaBundle bundle) throws CaStoreException;

  /** What {@link #putPublicBundle} did. */
  enum PublicBundleWrite { CREATED, REPLACED, UNCHANGED }

  /**
   * Makes the store hold exactly this key-less bundle ({@code ca.crt} and {@code expiration}): creates it
   * when absent, replaces it when it differs (the CA rotated), leaves it alone when it is the same. For CAs
   * whose private key lives elsewhere (Vault), whose roots the store only publishes.
   *
   * <p>A stored bundle holding a private key is never overwritten: it is some other CA's root (Tresor's, or
   * one an operator brought), and destroying key material is not a side effect anything should have.
   *
   * @throws IllegalArgumentException when the bundle has a private key
   * @throws CaStoreException when the store cannot be written, or holds a private key
   */
  PublicBundleWrite putPublicBundle(StoredCaBundle bundle) throws CaStoreException;
}

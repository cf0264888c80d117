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
}

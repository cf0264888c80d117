package io.openservicemesh.certificate.store;

import java.util.Map;
import java.util.Optional;

/**
 * Where a root rotation in progress keeps its state, so that every replica follows it and another replica can
 * finish it after a crash. Every write names the version it read: two writers never overwrite each other, and a
 * refused write is read again.
 */
public interface RotationStateStore {

  /** Where the state is, for messages: e.g. {@code Secret osm-system/osm-ca-bundle-rotation}. */
  String location();

  Optional<StoredRotation> load() throws CaStoreException;

  /** @return empty when another writer created it first */
  Optional<StoredRotation> create(Map<String, String> data) throws CaStoreException;

  /** @return empty when it changed since {@code current} was read, or was deleted */
  Optional<StoredRotation> replace(StoredRotation current, Map<String, String> data) throws CaStoreException;

  /** Deletes it if it is still {@code current}: the rotation ended. @return false when it changed meanwhile */
  boolean delete(StoredRotation current) throws CaStoreException;

  /**
   * The state as stored: text entries and the version they were read at. toString never shows the entries,
   * which hold the private keys of both roots.
   */
  record StoredRotation(Map<String, String> data, String version) {
    public StoredRotation {
      data = Map.copyOf(data);
    }

    @Override
    public String toString() {
      return "StoredRotation[version=" + version + ", keys=" + new java.util.TreeSet<>(data.keySet()) + "]";
    }
  }
}

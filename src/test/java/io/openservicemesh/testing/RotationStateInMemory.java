package io.openservicemesh.testing;

import io.openservicemesh.certificate.store.RotationStateStore;
import java.util.Map;
import java.util.Optional;

/**
 * A root change's state Secret in memory, with the API server's optimistic concurrency: every write names the
 * version it read, and a stale one is refused.
 */
public class RotationStateInMemory implements RotationStateStore {
  private StoredRotation content;
  private int version;

  public synchronized Optional<StoredRotation> current() {
    return Optional.ofNullable(content);
  }

  /** Another writer changes the state between someone's read and write. */
  public synchronized void touch() {
    content = new StoredRotation(content.data(), Integer.toString(++version));
  }

  @Override
  public String location() {
    return "memory osm-system/osm-ca-bundle-rotation";
  }

  @Override
  public synchronized Optional<StoredRotation> load() {
    return Optional.ofNullable(content);
  }

  @Override
  public synchronized Optional<StoredRotation> create(Map<String, String> data) {
    if (content != null) {
      return Optional.empty();
    }
    content = new StoredRotation(data, Integer.toString(++version));
    return Optional.of(content);
  }

  @Override
  public synchronized Optional<StoredRotation> replace(StoredRotation current, Map<String, String> data) {
    if (content == null || !content.version().equals(current.version())) {
      return Optional.empty();
    }
    content = new StoredRotation(data, Integer.toString(++version));
    return Optional.of(content);
  }

  @Override
  public synchronized boolean delete(StoredRotation current) {
    if (content == null || !content.version().equals(current.version())) {
      return false;
    }
    content = null;
    return true;
  }
}

package io.openservicemesh.certificate.store;

import java.util.Map;
import java.util.Optional;

/**
 * A root change's state in this process only, for a standalone control plane: one process, no replicas to agree
 * with, nothing to resume after a restart (which reads the CA afresh). The same versioned writes as the Secret.
 */
public final class InMemoryRotationStateStore implements RotationStateStore {

  private final String location;
  private StoredRotation content;
  private long version;

  public InMemoryRotationStateStore(String location) {
    this.location = location;
  }

  @Override
  public String location() {
    return location;
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
    return Optional.of(write(data));
  }

  @Override
  public synchronized Optional<StoredRotation> replace(StoredRotation current, Map<String, String> data) {
    if (content == null || !content.version().equals(current.version())) {
      return Optional.empty();
    }
    return Optional.of(write(data));
  }

  @Override
  public synchronized boolean delete(StoredRotation current) {
    if (content == null || !content.version().equals(current.version())) {
      return false;
    }
    content = null;
    return true;
  }

  private StoredRotation write(Map<String, String> data) {
    content = new StoredRotation(data, Long.toString(++version));
    return content;
  }
}

package io.openservicemesh.bootstrap;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bootstrap Secrets kept as the API server keeps them: a uid per object, a resourceVersion bumped by every write,
 * 409 for a create over an existing name or a write at a stale version, and a uid precondition on delete.
 */
final class InMemoryBootstrapSecrets implements BootstrapSecrets {

  final Map<String, StoredBootstrapSecret> stored = new ConcurrentHashMap<>();
  /** Failures to throw at the next writes, in order. */
  final Deque<BootstrapSecretException> writeFailures = new ArrayDeque<>();
  private final AtomicLong versions = new AtomicLong();
  int reads;
  int writes;

  @Override
  public StoredBootstrapSecret create(String namespace, UUID proxy, Map<String, byte[]> files)
      throws BootstrapSecretException {
    String name = BootstrapSecrets.nameOf(proxy);
    if (stored.containsKey(namespace + "/" + name)) {
      throw new BootstrapSecretException("exists", true);
    }
    return put(new StoredBootstrapSecret(namespace, name, UUID.randomUUID().toString(), version(), Optional.empty(),
        files));
  }

  @Override
  public Optional<StoredBootstrapSecret> read(String namespace, String name) {
    reads++;
    return Optional.ofNullable(stored.get(namespace + "/" + name));
  }

  @Override
  public StoredBootstrapSecret rewrite(StoredBootstrapSecret current, Map<String, byte[]> files, PodOwner owner)
      throws BootstrapSecretException {
    if (!writeFailures.isEmpty()) {
      throw writeFailures.pop();
    }
    StoredBootstrapSecret now = stored.get(current.namespace() + "/" + current.name());
    if (now == null || !now.resourceVersion().equals(current.resourceVersion())) {
      throw new BootstrapSecretException("changed since read", true);
    }
    writes++;
    return put(new StoredBootstrapSecret(now.namespace(), now.name(), now.uid(), version(), Optional.of(owner),
        files));
  }

  @Override
  public void delete(String namespace, String name, String uid) {
    stored.computeIfPresent(namespace + "/" + name, (key, secret) -> secret.uid().equals(uid) ? null : secret);
  }

  /** Someone else writes the Secret: its version moves on. */
  void touch(String namespace, String name) {
    StoredBootstrapSecret now = stored.get(namespace + "/" + name);
    put(new StoredBootstrapSecret(now.namespace(), now.name(), now.uid(), version(), now.owner(), now.files()));
  }

  private StoredBootstrapSecret put(StoredBootstrapSecret secret) {
    stored.put(secret.namespace() + "/" + secret.name(), secret);
    return secret;
  }

  private String version() {
    return String.valueOf(versions.incrementAndGet());
  }
}

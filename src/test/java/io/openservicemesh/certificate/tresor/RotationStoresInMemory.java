package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.InMemoryRotationStateStore;
import io.openservicemesh.certificate.store.RotatingCaBundleStore;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.util.Optional;

/**
 * The CA Secret and the rotation state Secret in memory, with the API server's optimistic concurrency: every
 * write names the version it read, and a stale one is refused.
 */
final class RotationStoresInMemory {

  final CaStore ca;
  final InMemoryRotationStateStore state = new InMemoryRotationStateStore("memory osm-system/osm-ca-bundle-rotation");

  RotationStoresInMemory(StoredCaBundle initial) {
    ca = new CaStore(initial);
  }

  static final class CaStore implements RotatingCaBundleStore {
    private StoredCaBundle content;
    private boolean requested;

    CaStore(StoredCaBundle content) {
      this.content = content;
    }

    synchronized StoredCaBundle content() {
      return content;
    }

    /** An operator's hand. */
    synchronized void replaceWith(StoredCaBundle replacement) {
      content = replacement;
    }

    /** {@code kubectl annotate secret osm-ca-bundle openservicemesh.io/rotate-root=now}. */
    synchronized void requestRotation() {
      requested = true;
    }

    @Override
    public String location() {
      return "memory osm-system/osm-ca-bundle";
    }

    @Override
    public synchronized Optional<StoredCaBundle> load() {
      return Optional.ofNullable(content);
    }

    @Override
    public synchronized StoredCaBundle createIfAbsent(StoredCaBundle bundle) {
      if (content == null) {
        content = bundle;
      }
      return content;
    }

    @Override
    public synchronized boolean replaceRoot(StoredCaBundle expected, StoredCaBundle replacement)
        throws CaStoreException {
      if (content == null) {
        throw new CaStoreException(location() + " is missing");
      }
      if (content.sameRootAs(replacement)) {
        return true;
      }
      if (!content.sameRootAs(expected)) {
        return false;
      }
      content = replacement;
      return true;
    }

    @Override
    public synchronized Read read() {
      return new Read(Optional.ofNullable(content), requested);
    }

    synchronized boolean rotationRequested() {
      return requested;
    }

    @Override
    public synchronized void clearRotationRequest() {
      requested = false;
    }
  }
}

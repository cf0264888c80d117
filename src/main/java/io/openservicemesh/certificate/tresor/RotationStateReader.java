package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads a root rotation's state and decodes it only when its version changed: every replica looks every five
 * seconds, and decoding parses both roots and checks each key against its certificate. The roots' validity is
 * checked when a version is first decoded.
 */
final class RotationStateReader {

  /** The state as stored, and what it says. */
  record Read(StoredRotation stored, RootRotationCodec.State state) {}

  private final RotationStateStore store;
  private String decodedVersion;
  private RootRotationCodec.State decoded;

  RotationStateReader(RotationStateStore store) {
    this.store = store;
  }

  String location() {
    return store.location();
  }

  synchronized Optional<Read> read(Instant now) throws CaStoreException, BrokenCaBundleException {
    Optional<StoredRotation> stored = store.load();
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    if (!stored.get().version().equals(decodedVersion)) {
      decoded = RootRotationCodec.decode(stored.get().data(), store.location(), now);
      decodedVersion = stored.get().version();
    }
    return Optional.of(new Read(stored.get(), decoded));
  }
}

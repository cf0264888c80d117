package io.openservicemesh.rotation;

import io.openservicemesh.certificate.CertificateKind;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A subscriber that remembers the last rotation announced for each kind of certificate, and when it arrived:
 * what the readiness report shows, and the proof that announcements reach subscribers in the running server.
 */
public final class RotationJournal implements Consumer<CertificateRotated> {

  /** A rotation as this subscriber received it. */
  public record Received(CertificateRotated rotation, Instant receivedAt) {}

  private final Clock clock;
  private final Map<CertificateKind, Received> lastByKind = new ConcurrentHashMap<>();

  public RotationJournal(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void accept(CertificateRotated rotation) {
    lastByKind.put(rotation.kind(), new Received(rotation, clock.instant()));
  }

  public Optional<Received> last(CertificateKind kind) {
    return Optional.ofNullable(lastByKind.get(kind));
  }
}

package io.openservicemesh.sds;

import io.grpc.Status;
import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.identity.ServiceIdentity;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.cert.X509Certificate;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The open SDS streams, indexed by the common name of their proxy's service certificate, so that a renewed
 * service certificate is pushed to the streams of that identity only, and a root change to all.
 *
 * <p>It is also the SDS part of the evidence a root rotation waits for: which streams' clients have not ACKed
 * the trust bundle, or a certificate of the new root. Walking the streams takes no lock of the registry; each
 * stream's own lock is taken briefly to read what its client ACKed.
 */
@ApplicationScoped
public class SdsStreams implements RootDistribution {

  private final Map<String, Set<SdsStream<?>>> byIdentity = new ConcurrentHashMap<>();
  /** Identities whose last stream ended, and when: their certificates are released after a grace period. */
  private final Map<String, Idle> idle = new ConcurrentHashMap<>();
  private final PushFanOut pushes;
  private final Clock clock;
  @Inject SdsMeter meter = SdsMeter.NONE;

  private record Idle(ServiceIdentity identity, Instant since) {}

  public SdsStreams() {
    this(new PushFanOut(Runtime.getRuntime().availableProcessors()), Clock.systemUTC());
  }

  SdsStreams(PushFanOut pushes, Clock clock) {
    this.pushes = pushes;
    this.clock = clock;
  }

  @PreDestroy
  void close() {
    pushes.close();
  }

  /** Under the identity's lock, so a stream is never added to a set that a concurrent remove just dropped. */
  void add(SdsStream<?> stream) {
    byIdentity.compute(stream.serviceCommonName(), (identity, streams) -> {
      Set<SdsStream<?>> open = streams == null ? ConcurrentHashMap.newKeySet() : streams;
      open.add(stream);
      idle.remove(identity);
      return open;
    });
  }

  void remove(SdsStream<?> stream) {
    byIdentity.computeIfPresent(stream.serviceCommonName(), (identity, streams) -> {
      if (streams.remove(stream)) {
        meter.streamReleased();
      }
      if (!streams.isEmpty()) {
        return streams;
      }
      idle.put(identity, new Idle(stream.proxy().service(), clock.instant()));
      return null;
    });
  }

  /**
   * Releases the certificates of identities that have had no stream for {@code grace}, each under its
   * identity's lock: a stream arriving meanwhile finds the identity open again, and its first request issues a
   * fresh certificate, which is then cached and renewed as usual.
   *
   * @return how many were released
   */
  int releaseIdle(Duration grace, Consumer<ServiceIdentity> release) {
    Instant cutoff = clock.instant().minus(grace);
    int[] released = {0};
    for (Map.Entry<String, Idle> candidate : idle.entrySet()) {
      if (candidate.getValue().since().isAfter(cutoff)) {
        continue;
      }
      byIdentity.compute(candidate.getKey(), (identity, streams) -> {
        if (streams == null && idle.remove(identity, candidate.getValue())) {
          release.accept(candidate.getValue().identity());
          released[0]++;
        }
        return streams;
      });
    }
    if (released[0] > 0) {
      meter.identitiesReleased(released[0]);
    }
    return released[0];
  }

  int idleIdentityCount() {
    return idle.size();
  }

  /** Pushes the current state to the streams of one identity (its certificate changed). */
  public void refresh(String serviceCommonName) {
    SdsStream<?>[] streams = snapshot(byIdentity.getOrDefault(serviceCommonName, Set.of()));
    meter.pushed(SdsMeter.PushCause.CERTIFICATE, streams.length);
    pushes.forEach(streams, SdsStream::refresh);
  }

  /** Pushes the current state to every stream (the roots changed). */
  public void refreshAll() {
    SdsStream<?>[] streams = byIdentity.values().stream().flatMap(Set::stream).toArray(SdsStream<?>[]::new);
    meter.pushed(SdsMeter.PushCause.ROOTS, streams.length);
    pushes.forEach(streams, SdsStream::refresh);
  }

  /**
   * Closes the streams past their maximum age with UNAVAILABLE, which Envoy answers by reconnecting. Writing
   * the close is also how the server learns that a silent client is gone, so dead streams are released.
   *
   * @return how many streams were closed
   */
  public int closeExpired(Instant now) {
    int[] closed = {0};
    byIdentity.values().forEach(streams -> forEach(streams, stream -> {
      if (!now.isBefore(stream.closeAt())) {
        stream.fail(Status.UNAVAILABLE.withDescription("the stream reached its maximum age; reconnect"));
        closed[0]++;
      }
    }));
    return closed[0];
  }

  /**
   * Closes with UNAVAILABLE the streams whose client has left a response unanswered for {@code deadline}: a stuck
   * Envoy reconnects and is served afresh, and writing the close is how the server learns that a vanished one is
   * gone. Without it, a proxy that died between a push and its ACK would hold up a root rotation, which waits
   * for every stream's ACK, until the stream's maximum age.
   *
   * @return how many streams were closed
   */
  public int closeUnanswered(Instant now, Duration deadline) {
    int[] closed = {0};
    byIdentity.values().forEach(streams -> forEach(streams, stream -> {
      if (stream.isClosed()) {
        return; // reset by its client: released just now, without a write
      }
      Instant since = stream.unansweredSince(now);
      if (since != null && !now.isBefore(since.plus(deadline))) {
        String response = stream.unanswered();
        stream.fail(Status.UNAVAILABLE.withDescription("the response " + (response == null ? "" : "of " + response
            + " ") + "was neither ACKed nor NACKed within " + deadline.toSeconds() + " s; reconnect"));
        closed[0]++;
      }
    }));
    return closed[0];
  }

  /**
   * The started streams subscribed to a validation context whose client has not ACKed a response carrying
   * exactly this bundle in every such context (pending, NACKed, or still holding another); a stream subscribed
   * only to its service certificate is never listed.
   */
  @Override
  public List<String> notHolding(String trustBundlePem) {
    Objects.requireNonNull(trustBundlePem, "trustBundlePem: pass the PEM bundle the streams should hold");
    return DeliveryEvidence.shortfalls(openStreams(), SdsStream::trustBundleUptake, trustBundlePem::equals,
        "the trust bundle");
  }

  /**
   * The started streams subscribed to their service certificate whose client has not ACKed a chain issued by
   * {@code root} (checked by signature, once per distinct chain).
   */
  @Override
  public List<String> notIssuedBy(X509Certificate root) {
    Objects.requireNonNull(root, "root: pass the root certificate the streams' chains should lead to");
    IssuedByRoot issuedBy = new IssuedByRoot(root);
    return DeliveryEvidence.shortfalls(openStreams(), SdsStream::certificateUptake, issuedBy::test,
        issuedBy.describeRoot());
  }

  /** Every registered stream, walked lazily and without a registry lock (weakly consistent, as evidence may be). */
  private Iterable<SdsStream<?>> openStreams() {
    return () -> byIdentity.values().stream().flatMap(Set::stream).iterator();
  }

  /** Every open stream, by identity then proxy: for the debug views. */
  public List<StreamView> views() {
    return byIdentity.values().stream().flatMap(Set::stream).map(SdsStream::view)
        .sorted(java.util.Comparator.comparing(StreamView::identity).thenComparing(StreamView::proxy)).toList();
  }

  public int streamCount() {
    return byIdentity.values().stream().mapToInt(Set::size).sum();
  }

  public int identityCount() {
    return byIdentity.size();
  }

  private static void forEach(Set<SdsStream<?>> streams, Consumer<SdsStream<?>> action) {
    for (SdsStream<?> stream : snapshot(streams)) {
      action.accept(stream);
    }
  }

  /** A copy: closing a stream removes it from the set being walked. */
  private static SdsStream<?>[] snapshot(Set<SdsStream<?>> streams) {
    return streams.toArray(new SdsStream<?>[0]);
  }
}

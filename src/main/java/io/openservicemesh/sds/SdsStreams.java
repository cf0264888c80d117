package io.openservicemesh.sds;

import io.grpc.Status;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The open SDS streams, indexed by the common name of their proxy's service certificate, so that a renewed
 * service certificate is pushed to the streams of that identity only, and a root change to all.
 */
@ApplicationScoped
public class SdsStreams {

  private final Map<String, Set<SdsStream<?>>> byIdentity = new ConcurrentHashMap<>();
  private final PushFanOut pushes;

  public SdsStreams() {
    this(new PushFanOut(Runtime.getRuntime().availableProcessors()));
  }

  SdsStreams(PushFanOut pushes) {
    this.pushes = pushes;
  }

  @PreDestroy
  void close() {
    pushes.close();
  }

  void add(SdsStream<?> stream) {
    byIdentity.computeIfAbsent(stream.serviceCommonName(), identity -> ConcurrentHashMap.newKeySet()).add(stream);
  }

  void remove(SdsStream<?> stream) {
    byIdentity.computeIfPresent(stream.serviceCommonName(), (identity, streams) -> {
      streams.remove(stream);
      return streams.isEmpty() ? null : streams;
    });
  }

  /** Pushes the current state to the streams of one identity (its certificate changed). */
  public void refresh(String serviceCommonName) {
    pushes.forEach(snapshot(byIdentity.getOrDefault(serviceCommonName, Set.of())), SdsStream::refresh);
  }

  /** Pushes the current state to every stream (the roots changed). */
  public void refreshAll() {
    pushes.forEach(byIdentity.values().stream().flatMap(Set::stream).toArray(SdsStream<?>[]::new),
        SdsStream::refresh);
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

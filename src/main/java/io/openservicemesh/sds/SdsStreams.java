package io.openservicemesh.sds;

import io.grpc.Status;
import io.openservicemesh.certificate.ServiceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The open SDS streams, indexed by the service identity of their proxy, so that a renewed service certificate
 * is pushed to the streams of that identity only, and a root change to all.
 */
@ApplicationScoped
public class SdsStreams {

  private final Map<ServiceIdentity, Set<SdsStream<?>>> byIdentity = new ConcurrentHashMap<>();

  void add(SdsStream<?> stream) {
    byIdentity.computeIfAbsent(stream.proxy().service(), identity -> ConcurrentHashMap.newKeySet()).add(stream);
  }

  void remove(SdsStream<?> stream) {
    byIdentity.computeIfPresent(stream.proxy().service(), (identity, streams) -> {
      streams.remove(stream);
      return streams.isEmpty() ? null : streams;
    });
  }

  /** Pushes the current state to the streams of one identity (its certificate changed). */
  public void refresh(ServiceIdentity identity) {
    forEach(byIdentity.getOrDefault(identity, Set.of()), SdsStream::refresh);
  }

  /** Pushes the current state to every stream (the roots changed). */
  public void refreshAll() {
    byIdentity.values().forEach(streams -> forEach(streams, SdsStream::refresh));
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
    // A copy: closing a stream removes it from the set being walked.
    for (SdsStream<?> stream : streams.toArray(new SdsStream<?>[0])) {
      action.accept(stream);
    }
  }
}

package io.openservicemesh.sds;

import io.openservicemesh.schedule.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Services whose identities were not known when a proxy asked for their outbound validation context (no
 * selector, or no pods yet), so the context was sent matching nothing. They are asked again with backoff until
 * identities appear, and then the streams are pushed: the proxy learns whom to trust without reconnecting.
 * A pure schedule: who asks the API is the caller's business.
 */
final class WaitingUpstreams {

  /** A service scaled to zero stays cheap: 5 s doubling to 2 minutes between looks. */
  static final Backoff RECHECK = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(2));

  /** {@code <namespace>/<service>}. */
  record Service(String namespace, String name) {}

  private record Entry(int looks, Instant nextLook) {}

  private final Map<Service, Entry> waiting = new ConcurrentHashMap<>();

  /** The service had no known identity at {@code now}; a first look at it again is scheduled. */
  void noIdentityYet(Service service, Instant now) {
    waiting.computeIfAbsent(service, s -> new Entry(0, now.plus(RECHECK.ceiling(0))));
  }

  /** The services due for another look at {@code now}. */
  List<Service> due(Instant now) {
    List<Service> due = new ArrayList<>();
    waiting.forEach((service, entry) -> {
      if (!now.isBefore(entry.nextLook())) {
        due.add(service);
      }
    });
    return due;
  }

  /** Looked at and still without identities: the next look waits longer. */
  void stillWaiting(Service service, Instant now) {
    waiting.computeIfPresent(service,
        (s, entry) -> new Entry(entry.looks() + 1, now.plus(RECHECK.ceiling(entry.looks() + 1))));
  }

  /** Identities appeared (or the service is gone): no more looks. */
  void resolved(Service service) {
    waiting.remove(service);
  }

  int size() {
    return waiting.size();
  }
}

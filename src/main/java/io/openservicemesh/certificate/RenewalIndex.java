package io.openservicemesh.certificate;

import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Common names ordered by an instant (when to renew, when overdue): the soonest is found without looking at
 * the others, so "is anything due?" costs the same for ten certificates and for a hundred thousand.
 */
final class RenewalIndex {

  private static final Comparator<ScheduledRenewal> ORDER =
      Comparator.comparing(ScheduledRenewal::at).thenComparing(ScheduledRenewal::commonName);

  private final ConcurrentSkipListSet<ScheduledRenewal> keys = new ConcurrentSkipListSet<>(ORDER);

  void add(String commonName, Instant at) {
    keys.add(new ScheduledRenewal(commonName, at));
  }

  void remove(String commonName, Instant at) {
    keys.remove(new ScheduledRenewal(commonName, at));
  }

  Optional<ScheduledRenewal> first() {
    // The iterator holds on to the element hasNext() found, so a concurrent removal cannot make next() fail.
    Iterator<ScheduledRenewal> soonest = keys.iterator();
    return soonest.hasNext() ? Optional.of(soonest.next()) : Optional.empty();
  }

  /** The entries at or before {@code now}, soonest first; a live view, safe to iterate while it changes. */
  Iterable<ScheduledRenewal> until(Instant now) {
    // Every key with at <= now sorts before (now + 1 ns, ""), and no key with a later instant does.
    return keys.headSet(new ScheduledRenewal("", now.plusNanos(1)));
  }

  boolean hasAnyUntil(Instant now) {
    Optional<ScheduledRenewal> soonest = first();
    return soonest.isPresent() && !soonest.get().at().isAfter(now);
  }

  int size() {
    return keys.size();
  }
}

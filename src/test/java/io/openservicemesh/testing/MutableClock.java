package io.openservicemesh.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall clock that stands still until a test moves it: "an hour later" takes no time and involves no
 * sleeping. Safe to read and move from several threads; UTC unless asked otherwise, and clocks from
 * {@link #withZone} share the same time.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  public MutableClock(Instant start) {
    this(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  public static MutableClock at(Instant start) {
    return new MutableClock(start);
  }

  /** A clock at an ISO-8601 instant such as {@code 2026-03-01T00:00:00Z}. */
  public static MutableClock at(String instant) {
    return at(Instant.parse(instant));
  }

  /** The current time in whole seconds, the precision of X.509 validity dates and of Vault's TTLs. */
  public static MutableClock atNowInWholeSeconds() {
    return at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  /**
   * Moves the time forward (or back, with a negative duration: a wall clock can be set back) and returns
   * the new time.
   */
  public Instant advance(Duration amount) {
    return now.updateAndGet(t -> t.plus(amount));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that moves with this clock. */
  @Override
  public Clock withZone(ZoneId otherZone) {
    return otherZone.equals(zone) ? this : new MutableClock(now, otherZone);
  }

  @Override
  public String toString() {
    return "MutableClock[" + now.get() + ", " + zone + "]";
  }
}

package io.openservicemesh.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall clock that tests move by hand: time passes only when told, so "an hour later" takes no time and
 * involves no sleeping. Safe to read and move from several threads; clocks from {@link #withZone} share the
 * same time.
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

  /** A clock at an ISO-8601 instant such as {@code 2026-03-01T00:00:00Z}. */
  public static MutableClock at(String instant) {
    return new MutableClock(Instant.parse(instant));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the time forward (or back, with a negative duration: a wall clock can be set back). */
  public void advance(Duration by) {
    now.updateAndGet(current -> current.plus(by));
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId other) {
    return new MutableClock(now, other);
  }
}

package io.openservicemesh.certificate.certmanager;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A point in monotonic time after which a wait gives up. Monotonic on purpose: a wall clock stepped by NTP
 * must neither cut an issuance short nor stretch it (OSM's #5000 came from mixing the two clocks).
 */
final class Deadline {

  private final LongSupplier nanoTime;
  private final long expiresAtNanos;
  private final Duration budget;

  private Deadline(LongSupplier nanoTime, Duration budget) {
    this.nanoTime = nanoTime;
    this.budget = budget;
    this.expiresAtNanos = nanoTime.getAsLong() + budget.toNanos();
  }

  /** @param nanoTime a monotonic clock such as {@code System::nanoTime} */
  static Deadline after(Duration budget, LongSupplier nanoTime) {
    return new Deadline(nanoTime, budget);
  }

  /** What was granted at the start. */
  Duration budget() {
    return budget;
  }

  /** Time left; zero once expired, never negative. */
  Duration remaining() {
    return Duration.ofNanos(Math.max(0, expiresAtNanos - nanoTime.getAsLong()));
  }

  boolean expired() {
    return expiresAtNanos - nanoTime.getAsLong() <= 0;
  }

  /** Time used since the start. */
  Duration elapsed() {
    return budget.minus(Duration.ofNanos(expiresAtNanos - nanoTime.getAsLong()));
  }
}

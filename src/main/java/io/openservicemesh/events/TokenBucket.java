package io.openservicemesh.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket on an injected clock: up to {@code capacity} takes at once, then one more per {@code refillEvery}.
 * Bounds what a storm of events can cost the API server, whatever their subjects.
 */
public final class TokenBucket {

  private final Clock clock;
  private final int capacity;
  private final long refillNanos;
  private double tokens;
  private Instant last;

  public TokenBucket(Clock clock, int capacity, Duration refillEvery) {
    if (capacity < 1 || refillEvery.isNegative() || refillEvery.isZero()) {
      throw new IllegalArgumentException("a token bucket needs a capacity of at least 1 and a positive refill");
    }
    this.clock = clock;
    this.capacity = capacity;
    this.refillNanos = refillEvery.toNanos();
    this.tokens = capacity;
    this.last = clock.instant();
  }

  public synchronized boolean tryTake() {
    Instant now = clock.instant();
    long elapsed = Duration.between(last, now).toNanos();
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + (double) elapsed / refillNanos);
      last = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}

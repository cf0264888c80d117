package io.openservicemesh.schedule;

import java.time.Duration;

/**
 * Exponential backoff with "equal" jitter: retry n waits a uniformly random time in [c/2, c), where
 * c = min(cap, base * 2^n). The jitter spreads replicas that failed together (an API server restart) instead
 * of having them retry in lock step; the floor of c/2 keeps a retry from ever coming straight back. A pure
 * function of the attempt and a random number, so it can be tested at its edges.
 */
public record Backoff(Duration base, Duration cap) {

  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap, got " + base + ", " + cap);
    }
  }

  /** The ceiling of the wait before retry number {@code attempt} (0-based). */
  public Duration ceiling(int attempt) {
    int doublings = Math.min(Math.max(attempt, 0), 62);
    long capNanos = cap.toNanos();
    long baseNanos = base.toNanos();
    return baseNanos > (capNanos >> doublings) ? cap : Duration.ofNanos(baseNanos << doublings);
  }

  /**
   * @param uniform a random number in [0, 1)
   */
  public Duration delay(int attempt, double uniform) {
    if (!(uniform >= 0 && uniform < 1)) {
      throw new IllegalArgumentException("uniform must be in [0, 1), got " + uniform);
    }
    long ceiling = ceiling(attempt).toNanos();
    return Duration.ofNanos(ceiling / 2 + (long) (ceiling / 2 * uniform));
  }
}

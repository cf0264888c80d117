package io.openservicemesh.schedule;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits between attempts. Injected wherever code backs off, so that tests record the waits instead of sitting
 * through them.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Sleeps on the calling thread. A wait of zero or less returns at once; one too long to count in nanoseconds
   * sleeps for the longest that can be counted, so that it stays interruptible instead of failing.
   */
  Sleeper REAL = duration -> TimeUnit.NANOSECONDS.sleep(saturatedNanos(duration));

  /**
   * @throws InterruptedException when the thread is interrupted while waiting (its interrupt flag is then clear,
   *     as with {@link Thread#sleep})
   */
  void sleep(Duration duration) throws InterruptedException;

  private static long saturatedNanos(Duration duration) {
    if (duration.isNegative()) {
      return 0;
    }
    return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : duration.toNanos();
  }
}

package io.openservicemesh.schedule;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets at most a few log records of one kind through per time window, and counts the rest, so that a
 * failure hitting ten thousand certificates at once (a CA down during a renewal wave) is reported, not
 * flooded. Uses a monotonic tick source: it measures intervals, it does not tell the time.
 */
public final class LogThrottle {

  private final long windowNanos;
  private final int perWindow;
  private final LongSupplier nanoTicks;
  private long windowStart;
  private int usedInWindow;
  private long suppressed;
  private boolean started;

  public LogThrottle(Duration window, int perWindow) {
    this(window, perWindow, System::nanoTime);
  }

  LogThrottle(Duration window, int perWindow, LongSupplier nanoTicks) {
    this.windowNanos = window.toNanos();
    this.perWindow = perWindow;
    this.nanoTicks = nanoTicks;
  }

  /**
   * Whether a record may be logged now. When it may, the result is the number of records suppressed since
   * the last one let through (to mention in it); when it may not, -1.
   */
  public synchronized long permit() {
    long now = nanoTicks.getAsLong();
    if (!started || now - windowStart >= windowNanos) {
      started = true;
      windowStart = now;
      usedInWindow = 0;
    }
    if (usedInWindow >= perWindow) {
      suppressed++;
      return -1;
    }
    usedInWindow++;
    long reported = suppressed;
    suppressed = 0;
    return reported;
  }

  /** " (N similar messages suppressed)" when N > 0, else "". */
  public static String suppressedNote(long suppressed) {
    return suppressed > 0 ? " (" + suppressed + " similar messages suppressed before this one)" : "";
  }
}

package io.openservicemesh.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Waits for a condition on a system the test does not control the clock of (a started server, an API server):
 * polls it every 100 ms up to a limit, and fails naming what did not happen.
 */
public final class Eventually {

  private static final Duration POLL = Duration.ofMillis(100);

  /** A check that may call out (an API, an endpoint) and so throw. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Eventually() {}

  /** @return when the condition was first seen to hold */
  public static Instant within(Condition condition, Duration limit, String what) throws Exception {
    return within(condition, limit, () -> what);
  }

  /** @param what evaluated only on failure, so it may describe the state at that moment */
  public static Instant within(Condition condition, Duration limit, Supplier<String> what) throws Exception {
    Instant giveUp = Instant.now().plus(limit);
    while (!condition.holds()) {
      if (Instant.now().isAfter(giveUp)) {
        throw new AssertionError(what.get() + ": not within " + limit);
      }
      Thread.sleep(POLL.toMillis());
    }
    return Instant.now();
  }
}

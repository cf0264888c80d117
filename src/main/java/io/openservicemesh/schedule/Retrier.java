package io.openservicemesh.schedule;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The retry loop: runs an attempt until it succeeds or its {@link RetryRule} gives up, and between attempts waits
 * a jittered exponential {@link Backoff}, or whatever the rule makes of it. Every retry of the control plane goes
 * through here, so that waits grow and spread the same way everywhere and tests observe them through one
 * {@link Sleeper}.
 */
public final class Retrier {

  /**
   * One try of an operation.
   *
   * @param <E> the checked failure it reports; unchecked exceptions are bugs, not failures to retry
   */
  @FunctionalInterface
  public interface Attempt<T, E extends Exception> {
    T run() throws E;
  }

  private final Backoff backoff;
  private final DoubleSupplier uniform;
  private final Sleeper sleeper;

  /**
   * @param uniform random numbers in [0, 1) for the jitter
   */
  public Retrier(Backoff backoff, DoubleSupplier uniform, Sleeper sleeper) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.uniform = Objects.requireNonNull(uniform, "uniform");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * Runs {@code attempt} until it returns, or until {@code rule} throws after a failure. Unchecked exceptions
   * leave at once, without asking the rule.
   *
   * @throws E what the rule threw to give up
   * @throws InterruptedException when the thread is interrupted while waiting to retry; no further attempt is
   *     made
   */
  public <T, E extends Exception> T run(Attempt<T, E> attempt, RetryRule<E> rule)
      throws E, InterruptedException {
    for (int failures = 1; ; failures++) {
      E failure;
      try {
        return attempt.run();
      } catch (RuntimeException bug) {
        throw bug;
      } catch (Exception e) {
        failure = asFailure(e);
      }
      Duration wait = rule.waitBeforeRetry(failure, failures, backoff(failures - 1));
      sleeper.sleep(Objects.requireNonNull(wait, "a retry rule returned no wait"));
    }
  }

  /**
   * A type parameter cannot be caught, so the attempt's failure is caught as {@code Exception}. The cast is
   * sound: {@link Attempt#run} declares only {@code E}, and unchecked exceptions were rethrown before.
   */
  @SuppressWarnings("unchecked")
  private static <E extends Exception> E asFailure(Exception e) {
    return (E) e;
  }

  /** The jittered backoff before retry number {@code retry} (0-based). */
  public Duration backoff(int retry) {
    return backoff.delay(retry, uniform.getAsDouble());
  }

  /**
   * Waits with this retrier's sleeper: for loops that back off between steps without repeating one attempt
   * (a watch reopened after it broke).
   */
  public void sleep(Duration wait) throws InterruptedException {
    sleeper.sleep(wait);
  }
}

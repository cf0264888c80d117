package io.openservicemesh.schedule;

import java.time.Duration;

/**
 * What one caller of {@link Retrier} decides after each failed attempt: whether to try again, and after how long.
 * This is where the callers differ (which failures can pass, how many attempts or how much time they have, what
 * the server asks for), so it is all they write; the loop itself is the retrier's.
 *
 * @param <E> the failure an attempt reports
 */
@FunctionalInterface
public interface RetryRule<E extends Exception> {

  /**
   * @param failure what the attempt threw
   * @param failures how many attempts have failed so far, this one included: 1 after the first
   * @param backoff the jittered exponential backoff for this retry, to use as it is or to adjust (a server's
   *     Retry-After)
   * @return how long to wait before the next attempt
   * @throws E to give up: {@code failure} itself, or a failure that tells more (how many attempts were made);
   *     it is what the caller of {@link Retrier#run} gets
   */
  Duration waitBeforeRetry(E failure, int failures, Duration backoff) throws E;
}

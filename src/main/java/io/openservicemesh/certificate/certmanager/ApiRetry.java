package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiException;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.schedule.Retrier;
import io.openservicemesh.schedule.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * The Kubernetes API's retry rules on top of the shared {@link Retrier}: which failures pass (the API server
 * restarting, overloaded, a connection reset), the server's Retry-After, and the issuance's deadline. Which
 * failures pass is decided per call: a 409 on create is worth retrying only when the server chose the name
 * ({@code generateName}).
 */
final class ApiRetry {

  /** No answer (connection refused or reset, timeout), or a server-side fault or overload: try again. */
  static final Predicate<ApiException> TRANSIENT = e -> {
    int code = e.getCode();
    return code == 0 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504;
  };

  /**
   * Transient, or 409 AlreadyExists on a create with {@code generateName}: the API server documents that a
   * generated name may collide and the client should retry.
   */
  static final Predicate<ApiException> TRANSIENT_OR_NAME_TAKEN = TRANSIENT.or(e -> e.getCode() == 409);

  private final Retrier retrier;

  /**
   * @param uniform random numbers in [0, 1) for the jitter
   */
  ApiRetry(Backoff backoff, DoubleSupplier uniform, Sleeper sleeper) {
    this.retrier = new Retrier(backoff, uniform, sleeper);
  }

  /**
   * Runs the call until it succeeds, fails in a way {@code retryable} does not accept, or the next wait would
   * pass the deadline; the last failure is then thrown.
   */
  <T> T call(Deadline deadline, Predicate<ApiException> retryable, Retrier.Attempt<T, ApiException> call)
      throws ApiException, InterruptedException {
    return retrier.run(call, (failure, failures, backoff) -> {
      if (!retryable.test(failure)) {
        throw failure;
      }
      Duration wait = honouringRetryAfter(backoff, failure);
      if (wait.compareTo(deadline.remaining()) >= 0) {
        throw failure;
      }
      return wait;
    });
  }

  /**
   * The retrier underneath, for loops with a budget of their own (deleting after an issuance) or that back off
   * without repeating one call (reopening a watch).
   */
  Retrier retrier() {
    return retrier;
  }

  /** The backoff, but never less than the server's Retry-After (API priority and fairness sends one with 429). */
  static Duration honouringRetryAfter(Duration backoff, ApiException failure) {
    Duration retryAfter = retryAfter(failure.getResponseHeaders());
    return retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
  }

  static Duration retryAfter(Map<String, List<String>> headers) {
    if (headers == null) {
      return Duration.ZERO;
    }
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if ("Retry-After".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
        try {
          return Duration.ofSeconds(Math.max(0, Long.parseLong(header.getValue().get(0).trim())));
        } catch (NumberFormatException httpDate) {
          // The HTTP-date form is not used by the API server; ignore it rather than guess.
          return Duration.ZERO;
        }
      }
    }
    return Duration.ZERO;
  }
}

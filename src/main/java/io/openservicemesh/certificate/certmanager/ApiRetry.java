package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiException;
import io.openservicemesh.schedule.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * Retries Kubernetes API calls that failed for reasons that pass (the API server restarting, overloaded, a
 * connection reset) with jittered exponential backoff, within a deadline. Which failures pass is decided per
 * call: a 409 on create is worth retrying only when the server chose the name ({@code generateName}).
 */
final class ApiRetry {

  /** One API call. */
  @FunctionalInterface
  interface ApiCall<T> {
    T call() throws ApiException;
  }

  /** Waits between attempts; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

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

  private final Backoff backoff;
  private final DoubleSupplier uniform;
  private final Sleeper sleeper;

  /**
   * @param uniform random numbers in [0, 1) for the jitter
   */
  ApiRetry(Backoff backoff, DoubleSupplier uniform, Sleeper sleeper) {
    this.backoff = backoff;
    this.uniform = uniform;
    this.sleeper = sleeper;
  }

  /**
   * Runs the call until it succeeds, fails in a way {@code retryable} does not accept, or the next wait would
   * pass the deadline; the last failure is then thrown.
   */
  <T> T call(Deadline deadline, Predicate<ApiException> retryable, ApiCall<T> call)
      throws ApiException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (ApiException e) {
        if (!retryable.test(e)) {
          throw e;
        }
        Duration wait = wait(attempt, e);
        if (wait.compareTo(deadline.remaining()) >= 0) {
          throw e;
        }
        sleeper.sleep(wait);
      }
    }
  }

  /** The backoff, but never less than the server's Retry-After (API priority and fairness sends one with 429). */
  Duration wait(int attempt, ApiException e) {
    Duration wait = delay(attempt);
    Duration retryAfter = retryAfter(e.getResponseHeaders());
    return retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
  }

  /** The jittered backoff before retry number {@code attempt} (0-based). */
  Duration delay(int attempt) {
    return backoff.delay(attempt, uniform.getAsDouble());
  }

  Sleeper sleeper() {
    return sleeper;
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

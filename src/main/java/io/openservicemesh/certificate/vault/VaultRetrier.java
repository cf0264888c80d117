package io.openservicemesh.certificate.vault;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * Runs one Vault request with retries: again after a failure that can pass (Vault away, sealed,
 * 5xx, timeouts), at once no more after one that cannot (4xx, TLS trust). Waits grow exponentially
 * with jitter ({@link io.openservicemesh.schedule.Backoff}), so replicas that failed together do
 * not come back in lock step.
 */
final class VaultRetrier {

  private static final Logger LOG = Logger.getLogger(VaultRetrier.class.getName());

  /** One try of a request. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws VaultException;
  }

  private final RetryPolicy policy;
  private final DoubleSupplier uniform;
  private final Sleeper sleeper;

  /**
   * @param uniform random numbers in [0, 1) for the jitter
   */
  VaultRetrier(RetryPolicy policy, DoubleSupplier uniform, Sleeper sleeper) {
    this.policy = policy;
    this.uniform = uniform;
    this.sleeper = sleeper;
  }

  /**
   * @param operation the request, e.g. {@code POST /v1/pki/issue/openservicemesh}, for the log
   */
  <T> T run(String operation, Attempt<T> attempt) throws VaultException {
    for (int number = 1; ; number++) {
      try {
        return attempt.run();
      } catch (VaultException e) {
        if (!e.retryable() || number >= policy.maxAttempts()) {
          throw e.afterAttempts(number);
        }
        Duration wait = policy.backoff().delay(number - 1, uniform.getAsDouble());
        int tried = number;
        LOG.warning(() -> "Vault " + operation + " failed (attempt " + tried + " of "
            + policy.maxAttempts() + "), retrying in " + wait.toMillis() + " ms: " + e.getMessage());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new VaultException(
              operation + " was interrupted while waiting to retry", VaultException.Kind.INTERRUPTED);
        }
      }
    }
  }
}

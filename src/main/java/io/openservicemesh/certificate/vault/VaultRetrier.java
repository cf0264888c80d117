package io.openservicemesh.certificate.vault;

import io.openservicemesh.schedule.Retrier;
import io.openservicemesh.schedule.Sleeper;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * Vault's retry rules on top of the shared {@link Retrier}: a request is tried again after a failure that can
 * pass (Vault away, sealed, 5xx, timeouts), at once no more after one that cannot (4xx, TLS trust), and at most
 * {@link RetryPolicy#maxAttempts()} times. Each retry is logged, since a Vault that keeps failing is what an
 * operator looks for first; the final failure says how many attempts were made.
 */
final class VaultRetrier {

  private static final Logger LOG = Logger.getLogger(VaultRetrier.class.getName());

  private final RetryPolicy policy;
  private final Retrier retrier;

  /**
   * @param uniform random numbers in [0, 1) for the jitter
   */
  VaultRetrier(RetryPolicy policy, DoubleSupplier uniform, Sleeper sleeper) {
    this.policy = policy;
    this.retrier = new Retrier(policy.backoff(), uniform, sleeper);
  }

  /**
   * @param operation the request, e.g. {@code POST /v1/pki/issue/openservicemesh}, for the log
   * @throws VaultException the last failure, or {@link VaultException.Kind#INTERRUPTED} when the thread was
   *     interrupted while waiting to retry (its interrupt flag is then set again, for whoever is shutting down)
   */
  <T> T run(String operation, Retrier.Attempt<T, VaultException> attempt) throws VaultException {
    try {
      return retrier.run(attempt, (failure, failures, backoff) -> {
        if (!failure.retryable() || failures >= policy.maxAttempts()) {
          throw failure.afterAttempts(failures);
        }
        LOG.warning(() -> "Vault " + operation + " failed (attempt " + failures + " of "
            + policy.maxAttempts() + "), retrying in " + backoff.toMillis() + " ms: " + failure.getMessage());
        return backoff;
      });
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new VaultException(
          operation + " was interrupted while waiting to retry", VaultException.Kind.INTERRUPTED);
    }
  }
}

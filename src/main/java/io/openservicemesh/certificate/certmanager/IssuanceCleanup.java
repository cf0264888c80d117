package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiException;
import io.openservicemesh.schedule.RetryRule;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Deletes the CertificateRequests of one issuance, found by its {@code openservicemesh.io/issuance} label, so that
 * a request whose create answer was lost goes too. It has its own budget, apart from the issuance's deadline, so it
 * also runs after a timed-out issuance; a failure is logged with the command that finishes the job by hand.
 */
final class IssuanceCleanup {

  private static final Logger LOG = Logger.getLogger(IssuanceCleanup.class.getName());

  private final CertificateRequestClient requests;
  private final Duration callTimeout;
  private final int attempts;
  private final ApiRetry retry;
  private final IssuanceListener listener;

  IssuanceCleanup(CertificateRequestClient requests, Duration callTimeout, int attempts, ApiRetry retry,
      IssuanceListener listener) {
    this.requests = requests;
    this.callTimeout = callTimeout;
    this.attempts = attempts;
    this.retry = retry;
    this.listener = listener;
  }

  /**
   * Deletes, trying again on passing faults. A pending interrupt is held back meanwhile and restored after:
   * OkHttp fails every call on an interrupted thread, and a leaked request would outlive the thread.
   *
   * @return true when the requests are gone
   */
  boolean delete(String issuanceId, String commonName) {
    boolean interrupted = Thread.interrupted();
    AtomicReference<ApiException> lastFailure = new AtomicReference<>();
    RetryRule<ApiException> transientWithinAttempts = (failure, failures, backoff) -> {
      lastFailure.set(failure);
      if (!ApiRetry.TRANSIENT.test(failure) || failures >= attempts) {
        throw failure;
      }
      return ApiRetry.honouringRetryAfter(backoff, failure);
    };
    try {
      retry.retrier().run(() -> {
        requests.deleteLabelled(CertManagerIssuer.ISSUANCE_LABEL, issuanceId, callTimeout);
        return null;
      }, transientWithinAttempts);
      listener.requestsDeleted(issuanceId);
      return true;
    } catch (ApiException e) {
      warnNotDeleted(issuanceId, commonName, e);
      return false;
    } catch (InterruptedException e) {
      // Interrupted while waiting to try again: stop, and report the failure that was to be retried.
      interrupted = true;
      warnNotDeleted(issuanceId, commonName, lastFailure.get());
      return false;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void warnNotDeleted(String issuanceId, String commonName, ApiException failure) {
    LOG.warning(() -> "could not delete the CertificateRequest(s) of issuance " + issuanceId + " for " + commonName
        + ": " + ApiErrors.describe(failure) + ". Delete them with: kubectl delete certificaterequests -n "
        + requests.namespace() + " -l " + CertManagerIssuer.ISSUANCE_LABEL + "=" + issuanceId
        + " (the control plane's next start also deletes the mesh's leftover requests)");
  }
}

package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.Watch;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.certmanager.RequestState.Issued;
import io.openservicemesh.certificate.certmanager.RequestState.Pending;
import io.openservicemesh.certificate.certmanager.RequestState.Refused;
import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.Setting;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Waits, on a watch of that one object, until cert-manager has answered a CertificateRequest: issued, refused,
 * or not within the deadline. It watches from the resource version it last saw, so no update is lost between
 * watches; a watch the server ends (its window) is simply reopened, one that breaks (connection cut, API server
 * restart) is reopened after a backoff and after reading the request again, as is one whose resource version has
 * expired (410 Gone).
 */
final class RequestWaiter {

  private static final Logger LOG = Logger.getLogger(RequestWaiter.class.getName());

  /** A watch the server closes sooner than this without any event is treated as a fault, so it cannot spin. */
  private static final Duration SHORTEST_CLEAN_WATCH = Duration.ofSeconds(1);

  private final CertificateRequestClient requests;
  private final IssuerReference issuer;
  private final Duration watchWindow;
  private final ApiRetry retry;
  private final LongSupplier nanoTime;
  private final IssuanceListener listener;

  RequestWaiter(CertificateRequestClient requests, IssuerReference issuer, Duration watchWindow, ApiRetry retry,
      LongSupplier nanoTime, IssuanceListener listener) {
    this.requests = requests;
    this.issuer = issuer;
    this.watchWindow = watchWindow;
    this.retry = retry;
    this.nanoTime = nanoTime;
    this.listener = listener;
  }

  /**
   * @param created the request as the create call returned it
   * @param commonName what the request is for, for messages
   * @throws IssuanceException when cert-manager refused the request, it vanished, or the deadline passed
   */
  Issued await(CertificateRequestResource created, String commonName, Deadline deadline) throws IssuanceException {
    Waiting waiting = new Waiting(created, commonName, deadline);
    while (true) {
      RequestState state = RequestState.of(waiting.current.statusOrEmpty());
      if (state instanceof Issued issued) {
        return issued;
      }
      if (state instanceof Refused refused) {
        throw refusal(refused, waiting);
      }
      if (deadline.expired()) {
        throw timeout((Pending) state, waiting);
      }
      watchOnce(waiting);
    }
  }

  /** The state of one wait: the latest object seen and where the next watch starts. */
  private static final class Waiting {
    final String name;
    final String commonName;
    final Deadline deadline;
    CertificateRequestResource current;
    String resourceVersion;
    int watches;
    int faults;

    Waiting(CertificateRequestResource created, String commonName, Deadline deadline) {
      this.name = created.name();
      this.commonName = commonName;
      this.deadline = deadline;
      this.current = created;
      this.resourceVersion = created.resourceVersion();
    }
  }

  /** One watch, until it ends, breaks, or shows an answer; then reads the request again when needed. */
  private void watchOnce(Waiting waiting) throws IssuanceException {
    Deadline deadline = waiting.deadline;
    boolean reread = false;
    int events = 0;
    long opened = nanoTime.getAsLong();
    Duration window = minimum(watchWindow, roundUpToSecond(deadline.remaining()));
    try (Watch<CertificateRequestResource> watch =
        requests.watch(waiting.name, waiting.resourceVersion, window, deadline.remaining())) {
      listener.watchOpened(waiting.name, ++waiting.watches);
      while (!reread && watch.hasNext()) {
        Watch.Response<CertificateRequestResource> event = watch.next();
        events++;
        switch (event.type) {
          case "ADDED", "MODIFIED" -> {
            waiting.current = event.object;
            waiting.resourceVersion = event.object.resourceVersion();
          }
          case "BOOKMARK" -> waiting.resourceVersion = event.object.resourceVersion();
          case "DELETED" -> throw deletedMeanwhile(waiting, null);
          case "ERROR" -> {
            // Typically 410 Gone: the resource version is too old to watch from.
            LOG.fine(() -> "watch on CertificateRequest " + waiting.name + " ended with "
                + (event.status == null ? "an error" : event.status.getCode() + " " + event.status.getReason())
                + "; reading it again");
            reread = true;
          }
          default -> LOG.fine(() -> "ignoring watch event " + event.type + " on " + waiting.name);
        }
        if (!(RequestState.of(waiting.current.statusOrEmpty()) instanceof Pending)) {
          return;
        }
      }
      waiting.faults = 0;
    } catch (ApiException e) {
      if (!ApiRetry.TRANSIENT.test(e) && e.getCode() != 410) {
        throw new IssuanceException("cannot watch CertificateRequest " + where(waiting) + ": "
            + ApiErrors.describe(e) + (e.getCode() == 403 ? ". The control plane's service account needs 'watch'"
            + " on certificaterequests.cert-manager.io in " + requests.namespace() : ""), true, e);
      }
      reread = brokeOff(waiting, e);
    } catch (RuntimeException | IOException e) {
      // Watch.next/hasNext wrap a broken stream in a RuntimeException; the call cancelled at the deadline too.
      reread = brokeOff(waiting, e);
    }
    boolean endedAtOnce = events == 0
        && Duration.ofNanos(nanoTime.getAsLong() - opened).compareTo(SHORTEST_CLEAN_WATCH) < 0;
    if (!reread && endedAtOnce && !deadline.expired()) {
      backOff(waiting);
    }
    if (reread && !deadline.expired()) {
      waiting.current = read(waiting);
      waiting.resourceVersion = waiting.current.resourceVersion();
    }
  }

  /** Backs off after a broken watch unless the deadline has passed; returns whether to read the request again. */
  private boolean brokeOff(Waiting waiting, Exception e) throws IssuanceException {
    if (waiting.deadline.expired()) {
      return false;
    }
    LOG.fine(() -> "watch on CertificateRequest " + waiting.name + " broke, reopening: " + e);
    backOff(waiting);
    return true;
  }

  private CertificateRequestResource read(Waiting waiting) throws IssuanceException {
    Deadline deadline = waiting.deadline;
    try {
      return retry.call(deadline, ApiRetry.TRANSIENT, () -> requests.get(waiting.name, deadline.remaining()));
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        throw deletedMeanwhile(waiting, e);
      }
      throw new IssuanceException("cannot read CertificateRequest " + where(waiting) + " while waiting for"
          + " cert-manager: " + ApiErrors.describe(e), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IssuanceException("interrupted while waiting for CertificateRequest " + where(waiting), true, e);
    }
  }

  private void backOff(Waiting waiting) throws IssuanceException {
    Duration wait = minimum(retry.retrier().backoff(waiting.faults++), waiting.deadline.remaining());
    try {
      retry.retrier().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IssuanceException("interrupted while waiting for CertificateRequest " + where(waiting), true, e);
    }
  }

  private IssuanceException refusal(Refused refused, Waiting waiting) {
    return new EndedRequestException("CertificateRequest " + where(waiting) + " for " + waiting.commonName + " "
        + refused.kind().verb() + " (issuer " + issuer + "): " + refused.reason()
        + (refused.message().isBlank() ? "" : ": " + refused.message()), refused.retryable(),
        outcomeOf(refused.kind()));
  }

  private static CertManagerMeter.Outcome outcomeOf(RequestState.Refusal refusal) {
    return switch (refusal) {
      case DENIED -> CertManagerMeter.Outcome.DENIED;
      case INVALID -> CertManagerMeter.Outcome.INVALID;
      case FAILED, READY_WITHOUT_CERTIFICATE, MALFORMED -> CertManagerMeter.Outcome.FAILED;
    };
  }

  private IssuanceException timeout(Pending pending, Waiting waiting) {
    return new EndedRequestException("cert-manager did not answer CertificateRequest " + where(waiting) + " for "
        + waiting.commonName + " within " + GoDuration.format(waiting.deadline.budget()) + " ("
        + Setting.CERTMANAGER_REQUEST_TIMEOUT.key() + "); its conditions: " + pending.summary() + ". "
        + timeoutHint(pending), true, CertManagerMeter.Outcome.TIMED_OUT);
  }

  /** The likeliest cause, from how far the request got. */
  private String timeoutHint(Pending pending) {
    if (!pending.summary().contains(CertificateRequestResource.Conditions.APPROVED + "=True")) {
      return "Nothing approved it: is cert-manager running? Its internal approver approves requests for its own"
          + " issuers; with approver-policy, a policy must allow " + issuer + ".";
    }
    return "It was approved but not signed: is " + issuer + " Ready (kubectl describe "
        + issuer.kind().configName().toLowerCase(Locale.ROOT) + " " + issuer.name()
        + (issuer.isClusterScoped() ? "" : " -n " + issuer.namespace()) + ")?";
  }

  private IssuanceException deletedMeanwhile(Waiting waiting, Throwable cause) {
    return new IssuanceException("CertificateRequest " + where(waiting) + " for " + waiting.commonName
        + " was deleted by someone else before cert-manager answered", true, cause);
  }

  private String where(Waiting waiting) {
    return requests.namespace() + "/" + waiting.name;
  }

  private static Duration minimum(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The server's watch timeout is in whole seconds, at least one. */
  private static Duration roundUpToSecond(Duration duration) {
    long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
    return Duration.ofSeconds(Math.max(1, seconds));
  }
}

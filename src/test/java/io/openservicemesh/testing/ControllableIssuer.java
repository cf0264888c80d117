package io.openservicemesh.testing;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Issuer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An issuer that delegates to a real one and that a test can make fail (as a CA that is down would) or hold
 * (as a slow one would), and that records every spec it was asked for.
 */
public final class ControllableIssuer implements Issuer {

  private final Issuer delegate;
  private final List<CertificateSpec> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresToGo = new AtomicInteger();
  private volatile CountDownLatch gate;
  private volatile CountDownLatch entered = new CountDownLatch(0);

  public ControllableIssuer(Issuer delegate) {
    this.delegate = delegate;
  }

  /** The next {@code count} issuances fail with a retryable IssuanceException. */
  public void failNext(int count) {
    failuresToGo.set(count);
  }

  /**
   * Issuances wait until {@link #release()}; {@link #awaitEntered} tells when {@code callers} are waiting.
   */
  public void hold(int callers) {
    entered = new CountDownLatch(callers);
    gate = new CountDownLatch(1);
  }

  public void release() {
    CountDownLatch open = gate;
    gate = null;
    if (open != null) {
      open.countDown();
    }
  }

  public void awaitEntered() throws InterruptedException {
    if (!entered.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the issuer was not called in time");
    }
  }

  public List<CertificateSpec> requests() {
    return List.copyOf(requests);
  }

  public int issuances() {
    return requests.size();
  }

  @Override
  public Certificate issue(CertificateSpec spec) throws IssuanceException {
    requests.add(spec);
    CountDownLatch waitFor = gate;
    entered.countDown();
    if (waitFor != null) {
      try {
        if (!waitFor.await(10, TimeUnit.SECONDS)) {
          throw new IssuanceException("test issuer held too long", true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IssuanceException("interrupted", true, e);
      }
    }
    if (failuresToGo.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IssuanceException("the test CA is down", true);
    }
    return delegate.issue(spec);
  }

  @Override
  public String trustedCasPem() {
    return delegate.trustedCasPem();
  }
}

package io.openservicemesh.testing;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Issuer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An issuer that delegates to a real one and that a test can make fail (as a CA that is down would) or hold
 * (as a slow one would), and that records every spec it was asked for.
 *
 * <p>Both can be done to every issuance or to those of one common name: the cache's single-flight tests
 * hold one name while another is issued, the rotation tests hold or fail whatever comes next. An issuance
 * is recorded when it is asked for, so one that is held or fails counts too. Held issuances give up, with a
 * non-retryable IssuanceException, after {@value #WAIT_SECONDS} seconds, so a test that forgets to release
 * them fails instead of hanging.
 */
public final class ControllableIssuer implements Issuer {

  private static final long WAIT_SECONDS = 10;

  private final Issuer delegate;
  private final List<CertificateSpec> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresToGo = new AtomicInteger();
  private final Map<String, Throwable> failuresByName = new ConcurrentHashMap<>();
  private volatile CountDownLatch gate;
  private volatile CountDownLatch entered = new CountDownLatch(0);
  private final Map<String, CountDownLatch> gatesByName = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> enteredByName = new ConcurrentHashMap<>();

  public ControllableIssuer(Issuer delegate) {
    this.delegate = delegate;
  }

  /** The next {@code count} issuances, of any name, fail with a retryable IssuanceException. */
  public void failNext(int count) {
    failuresToGo.set(count);
  }

  /**
   * From now on, until {@link #succeed}, issuances of {@code commonName} throw {@code failure}: an
   * IssuanceException, a RuntimeException or an Error, as a broken issuer might.
   */
  public void failWith(String commonName, Throwable failure) {
    if (!(failure instanceof IssuanceException
        || failure instanceof RuntimeException
        || failure instanceof Error)) {
      throw new IllegalArgumentException("an issuer cannot throw " + failure);
    }
    failuresByName.put(commonName, failure);
  }

  /** Issuances of {@code commonName} reach the real issuer again. */
  public void succeed(String commonName) {
    failuresByName.remove(commonName);
  }

  /**
   * Issuances of any name wait until {@link #release()}; {@link #awaitEntered()} tells when {@code callers}
   * have arrived.
   */
  public void hold(int callers) {
    entered = new CountDownLatch(callers);
    gate = new CountDownLatch(1);
  }

  /**
   * Issuances of {@code commonName} wait until {@link #release(String)} (or {@link #release()});
   * {@link #awaitEntered(String)} tells when one has arrived.
   */
  public void hold(String commonName) {
    enteredByName.put(commonName, new CountDownLatch(1));
    gatesByName.put(commonName, new CountDownLatch(1));
  }

  /** Lets every held issuance go on, whichever way it was held. */
  public void release() {
    CountDownLatch open = gate;
    gate = null;
    if (open != null) {
      open.countDown();
    }
    gatesByName.keySet().forEach(this::release);
  }

  /** Lets the held issuances of {@code commonName} go on. */
  public void release(String commonName) {
    CountDownLatch open = gatesByName.remove(commonName);
    if (open != null) {
      open.countDown();
    }
  }

  /** Waits until as many callers as {@link #hold(int)} said have arrived. */
  public void awaitEntered() throws InterruptedException {
    if (!entered.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("the issuer was not called in time");
    }
  }

  /** Waits until an issuance of {@code commonName}, held by {@link #hold(String)}, has arrived. */
  public void awaitEntered(String commonName) throws InterruptedException {
    CountDownLatch arrived = enteredByName.get(commonName);
    if (arrived == null) {
      throw new IllegalStateException(commonName + " is not held");
    }
    if (!arrived.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("the issuer was not called for " + commonName + " in time");
    }
  }

  /** Every spec asked for, in order. */
  public List<CertificateSpec> requests() {
    return List.copyOf(requests);
  }

  /** How many issuances were asked for, of any name. */
  public int issuances() {
    return requests.size();
  }

  /** How many issuances of {@code commonName} were asked for. */
  public int issuances(String commonName) {
    return (int) requests.stream().filter(spec -> spec.commonName().equals(commonName)).count();
  }

  @Override
  public Certificate issue(CertificateSpec spec) throws IssuanceException {
    String commonName = spec.commonName();
    requests.add(spec);
    CountDownLatch waitForAll = gate;
    entered.countDown();
    CountDownLatch waitForName = gatesByName.get(commonName);
    CountDownLatch nameArrived = enteredByName.get(commonName);
    if (nameArrived != null) {
      nameArrived.countDown();
    }
    awaitOpen(waitForAll, "every issuance");
    awaitOpen(waitForName, commonName);
    Throwable failure = failuresByName.get(commonName);
    if (failure instanceof IssuanceException issuance) {
      throw issuance;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failuresToGo.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IssuanceException("the test CA is down", true);
    }
    return delegate.issue(spec);
  }

  private static void awaitOpen(CountDownLatch gate, String held) throws IssuanceException {
    if (gate == null) {
      return;
    }
    try {
      if (!gate.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IssuanceException("the test held " + held + " too long", false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IssuanceException("interrupted", true, e);
    }
  }

  @Override
  public String trustedCasPem() {
    return delegate.trustedCasPem();
  }
}

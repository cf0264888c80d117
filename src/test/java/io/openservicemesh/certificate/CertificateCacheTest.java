package io.openservicemesh.certificate;

import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.KeySpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import io.openservicemesh.testing.ControllableIssuer;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The certificate manager in two roles: the cache that hands out one certificate per common name (single
 * flight, failures, expiry, release), and the renewal schedule that rotation drives (due instants, claims,
 * atomic renewal, retries, overdue certificates).
 */
class CertificateCacheTest {

  /** Without a renewal timing: a certificate is replaced only once it has expired. */
  @Nested
  class Caching {

    private static final Duration VALIDITY = Duration.ofHours(1);
    private static final long WAIT_SECONDS = 10;

    private final MutableClock clock = MutableClock.atNowInWholeSeconds();
    private final ControllableIssuer issuer = new ControllableIssuer(TestCa.issuer(clock));
    private final CertificateCache manager = new CertificateCache(issuer, clock);
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
      issuer.release();
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
      }
    }

    private static CertificateSpec spec(String cn) {
      return new CertificateSpec(
          CertificateKind.SERVICE, cn, List.of(cn), List.of(), VALIDITY, KeySpec.ECDSA_P256);
    }

    /** What a caller of getOrIssue ended with. */
    private record Outcome(Certificate certificate, Throwable failure) {}

    private Thread caller(String cn, CountDownLatch arrived, List<Outcome> outcomes) {
      Thread thread =
          new Thread(
              () -> {
                arrived.countDown();
                try {
                  outcomes.add(new Outcome(manager.getOrIssue(spec(cn)), null));
                } catch (Throwable t) {
                  outcomes.add(new Outcome(null, t));
                }
              },
              "caller-" + cn + "-" + threads.size());
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
      return thread;
    }

    /**
     * Waits until every caller has arrived and is parked (waiting inside getOrIssue, on the in-flight
     * issuance or on the issuer's gate), so the test knows they all joined before the issuance ends.
     */
    private static void awaitAllParked(CountDownLatch arrived, List<Thread> callers)
        throws InterruptedException {
      assertThat(arrived.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("all callers started").isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (!callers.stream()
          .allMatch(
              t ->
                  t.getState() == Thread.State.WAITING
                      || t.getState() == Thread.State.TIMED_WAITING)) {
        if (System.nanoTime() > deadline) {
          fail("callers did not all block: " + callers.stream().map(Thread::getState).toList());
        }
        Thread.onSpinWait();
      }
    }

    /**
     * {@code callers} threads ask for {@code cn} while its issuance is held, all of them parked on it; then it is
     * released and they are waited for.
     */
    private List<Outcome> releasedTogether(int callers, String cn) throws InterruptedException {
      CountDownLatch arrived = new CountDownLatch(callers);
      List<Outcome> outcomes = new CopyOnWriteArrayList<>();
      List<Thread> started = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        started.add(caller(cn, arrived, outcomes));
      }
      issuer.awaitEntered(cn);
      awaitAllParked(arrived, started);
      issuer.release(cn);
      join(started);
      return outcomes;
    }

    private static void join(List<Thread> callers) throws InterruptedException {
      for (Thread thread : callers) {
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(thread.isAlive()).as(thread.getName() + " returned").isFalse();
      }
    }

    @Test
    void sameCommonNameGetsTheCachedCertificate() throws Exception {
      Certificate first = manager.getOrIssue(spec("a.example"));
      Certificate second = manager.getOrIssue(spec("a.example"));

      assertThat(second).isSameAs(first);
      assertThat(issuer.issuances("a.example")).isEqualTo(1);
      assertThat(manager.cached("a.example")).containsSame(first);
      assertThat(manager.size()).isEqualTo(1);
    }

    @Test
    void concurrentRequestsForOneNameShareOneIssuance() throws Exception {
      int callers = 32;
      issuer.hold("a.example");
      List<Outcome> outcomes = releasedTogether(callers, "a.example");

      assertThat(issuer.issuances("a.example")).isEqualTo(1);
      assertThat(outcomes).hasSize(callers).allSatisfy(o -> assertThat(o.failure()).isNull());
      Certificate shared = outcomes.get(0).certificate();
      assertThat(outcomes).allSatisfy(o -> assertThat(o.certificate()).isSameAs(shared));
      assertThat(manager.getOrIssue(spec("a.example"))).isSameAs(shared);
      assertThat(manager.size()).isEqualTo(1);
    }

    @Test
    void differentCommonNamesDoNotWaitForEachOther() throws Exception {
      issuer.hold("slow.example");
      CountDownLatch arrived = new CountDownLatch(1);
      List<Outcome> outcomes = new CopyOnWriteArrayList<>();
      Thread slow = caller("slow.example", arrived, outcomes);
      issuer.awaitEntered("slow.example");

      Certificate fast = manager.getOrIssue(spec("fast.example"));

      assertThat(fast.commonName()).isEqualTo("fast.example");
      assertThat(slow.isAlive()).as("the slow issuance is still in flight").isTrue();
      assertThat(manager.cached("slow.example")).isEmpty();
      issuer.release("slow.example");
      join(List.of(slow));
      assertThat(outcomes)
          .singleElement()
          .satisfies(o -> assertThat(o.certificate().commonName()).isEqualTo("slow.example"));
      assertThat(issuer.issuances("fast.example")).isEqualTo(1);
      assertThat(issuer.issuances("slow.example")).isEqualTo(1);
      assertThat(manager.size()).isEqualTo(2);
    }

    @Test
    void failureIsSeenByEveryWaiterAndTheNextCallRetries() throws Exception {
      int callers = 8;
      issuer.hold("a.example");
      issuer.failWith("a.example", new IssuanceException("vault is sealed", true));
      List<Outcome> outcomes = releasedTogether(callers, "a.example");

      assertThat(issuer.issuances("a.example")).isEqualTo(1);
      assertThat(outcomes)
          .hasSize(callers)
          .allSatisfy(
              o -> {
                assertThat(o.certificate()).isNull();
                assertThat(o.failure())
                    .isInstanceOf(IssuanceException.class)
                    .hasMessage("vault is sealed");
                assertThat(((IssuanceException) o.failure()).retryable()).isTrue();
              });
      assertThat(manager.cached("a.example")).isEmpty();
      assertThat(manager.size()).isZero();

      issuer.succeed("a.example");
      Certificate retried = manager.getOrIssue(spec("a.example"));

      assertThat(retried.commonName()).isEqualTo("a.example");
      assertThat(issuer.issuances("a.example")).isEqualTo(2);
      assertThat(manager.getOrIssue(spec("a.example"))).isSameAs(retried);
    }

    @Test
    void nonRetryableFailureStaysNonRetryableForWaiters() throws Exception {
      issuer.hold("a.example");
      issuer.failWith("a.example", new IssuanceException("role does not allow this name", false));
      CountDownLatch arrived = new CountDownLatch(2);
      List<Outcome> outcomes = new CopyOnWriteArrayList<>();
      List<Thread> started =
          List.of(caller("a.example", arrived, outcomes), caller("a.example", arrived, outcomes));
      issuer.awaitEntered("a.example");
      awaitAllParked(arrived, started);

      issuer.release("a.example");
      join(started);

      assertThat(outcomes)
          .hasSize(2)
          .allSatisfy(
              o -> {
                assertThat(o.failure())
                    .isInstanceOf(IssuanceException.class)
                    .hasMessage("role does not allow this name");
                assertThat(((IssuanceException) o.failure()).retryable()).isFalse();
              });
    }

    @Test
    void runtimeFailureIsPassedOnAndTheNextCallRetries() throws Exception {
      IllegalStateException boom = new IllegalStateException("signer broke");
      issuer.failWith("a.example", boom);

      Throwable thrown = catchThrowable(() -> manager.getOrIssue(spec("a.example")));

      assertThat(thrown).isSameAs(boom);
      issuer.succeed("a.example");
      assertThat(manager.getOrIssue(spec("a.example")).commonName()).isEqualTo("a.example");
      assertThat(issuer.issuances("a.example")).isEqualTo(2);
    }

    @Test
    void errorFromTheIssuerDoesNotLeaveTheNameStuck() throws Exception {
      int waiters = 4;
      issuer.hold("a.example");
      issuer.failWith("a.example", new StackOverflowError("deep"));
      CountDownLatch arrived = new CountDownLatch(waiters);
      List<Outcome> outcomes = new CopyOnWriteArrayList<>();
      List<Thread> started = new ArrayList<>();
      for (int i = 0; i < waiters; i++) {
        started.add(caller("a.example", arrived, outcomes));
      }
      issuer.awaitEntered("a.example");
      awaitAllParked(arrived, started);

      issuer.release("a.example");
      join(started);

      assertThat(outcomes)
          .hasSize(waiters)
          .allSatisfy(
              o -> {
                assertThat(o.certificate()).isNull();
                Throwable failure =
                    o.failure() instanceof IssuanceException ? o.failure().getCause() : o.failure();
                assertThat(failure).isInstanceOf(StackOverflowError.class).hasMessage("deep");
              });
      assertThat(manager.size()).isZero();

      issuer.succeed("a.example");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Certificate> next = pool.submit(() -> manager.getOrIssue(spec("a.example")));
        assertThat(next.get(WAIT_SECONDS, TimeUnit.SECONDS).commonName()).isEqualTo("a.example");
      } finally {
        pool.shutdownNow();
      }
      assertThat(issuer.issuances("a.example")).isEqualTo(2);
    }

    @Test
    void expiredCertificateIsReissued() throws Exception {
      Certificate first = manager.getOrIssue(spec("a.example"));
      Instant notAfter = first.notAfter();

      clock.set(notAfter.minusSeconds(1));
      Certificate beforeExpiry = manager.getOrIssue(spec("a.example"));
      clock.set(notAfter);
      Certificate atExpiry = manager.getOrIssue(spec("a.example"));

      assertThat(beforeExpiry).isSameAs(first);
      assertThat(atExpiry).isNotSameAs(first);
      assertThat(atExpiry.serialNumber()).isNotEqualTo(first.serialNumber());
      assertThat(atExpiry.notAfter()).isEqualTo(notAfter.plus(VALIDITY));
      assertThat(issuer.issuances("a.example")).isEqualTo(2);
      assertThat(manager.cached("a.example")).containsSame(atExpiry);
      assertThat(manager.size()).isEqualTo(1);
    }

    @Test
    void releaseForgetsTheIdentity() throws Exception {
      Certificate first = manager.getOrIssue(spec("a.example"));
      manager.getOrIssue(spec("b.example"));

      manager.release("a.example");

      assertThat(manager.cached("a.example")).isEmpty();
      assertThat(manager.cached("b.example")).isPresent();
      assertThat(manager.size()).isEqualTo(1);
      Certificate again = manager.getOrIssue(spec("a.example"));
      assertThat(again).isNotSameAs(first);
      assertThat(issuer.issuances("a.example")).isEqualTo(2);
      assertThat(manager.size()).isEqualTo(2);
    }

    @Test
    void releasingAnUnknownNameIsHarmless() {
      manager.release("never.example");

      assertThat(manager.size()).isZero();
    }

    @Test
    void sizeCountsDistinctNames() throws Exception {
      assertThat(manager.size()).isZero();

      manager.getOrIssue(spec("a.example"));
      manager.getOrIssue(spec("b.example"));
      manager.getOrIssue(spec("a.example"));
      manager.getOrIssue(spec("c.example"));

      assertThat(manager.size()).isEqualTo(3);
    }

    @Test
    void trustedCasComeFromTheIssuer() {
      assertThat(manager.trustedCasPem()).isEqualTo(TestCa.ecRootPem());
    }

    @Test
    void cachedDoesNotIssue() {
      assertThat(manager.cached("a.example")).isEmpty();
      assertThat(issuer.issuances("a.example")).isZero();
      assertThatThrownBy(() -> spec(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void certificateExpiresAtItsNotAfter() throws Exception {
      Certificate certificate = manager.getOrIssue(spec("a.example"));
      Instant notAfter = certificate.leaf().getNotAfter().toInstant();

      assertThat(certificate.notAfter()).isEqualTo(notAfter);
      assertThat(certificate.isExpiredAt(notAfter.minusMillis(1))).isFalse();
      assertThat(certificate.isExpiredAt(notAfter)).isTrue();
    }
  }

  /** With a renewal timing and a listener for replacements, as rotation uses it. */
  @Nested
  class RenewalSchedule {

    private static final Duration VALIDITY = Duration.ofHours(3);
    /** Renew two thirds into the lifetime; overdue with ten minutes left. */
    private static final RenewalTiming TIMING = certificate -> new RenewalWindow(
        certificate.notBefore().plus(Duration.ofHours(2)), certificate.notAfter().minus(Duration.ofMinutes(10)));
    /** The retry delay after n failures: n minutes. */
    private static final IntFunction<Duration> N_MINUTES = failures -> Duration.ofMinutes(failures);

    private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    private final ControllableIssuer issuer = new ControllableIssuer(TestCa.fixedRootIssuer(clock));
    private final List<String> replaced = new CopyOnWriteArrayList<>();
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final CertificateCache manager = new CertificateCache(issuer, clock, TIMING, new CertificateListener() {
      @Override
      public void issued(String cn, CertificateKind kind, Certificate current) {
        issued.add(cn + " " + current.serialHex());
      }

      @Override
      public void replaced(String cn, CertificateKind kind, Certificate previous, Certificate current) {
        replaced.add(cn + " " + previous.serialHex() + " -> " + current.serialHex());
      }
    });
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
      issuer.release();
      threads.shutdownNow();
    }

    private static CertificateSpec spec(String cn) {
      return new CertificateSpec(CertificateKind.SERVICE, cn, List.of(cn), List.of(), VALIDITY, KeySpec.ECDSA_P256);
    }

    @Test
    void certificatesOfAnotherRootAreListedAndMadeDueAtOnce() throws Exception {
      Certificate a = manager.getOrIssue(spec("a.ns.cluster.local"));
      manager.getOrIssue(spec("b.ns.cluster.local"));
      X509Certificate signing = TestCa.fixedRoot().certificate();
      X509Certificate incoming = TestCa.otherEcRoot().certificate();

      assertThat(manager.notIssuedBy(signing)).isEmpty();
      assertThat(manager.notIssuedBy(incoming)).hasSize(2)
          .anySatisfy(line -> assertThat(line).contains("a.ns.cluster.local").contains(a.serialHex()));
      assertThat(manager.claimDue(clock.instant(), 10)).as("nothing due on its own yet").isEmpty();

      assertThat(manager.expediteNotIssuedBy(incoming, clock.instant())).isEqualTo(2);
      assertThat(manager.expediteNotIssuedBy(signing, clock.instant())).isZero();
      List<DueRenewal> due = manager.claimDue(clock.instant(), 10);
      assertThat(due).extracting(DueRenewal::commonName)
          .containsExactlyInAnyOrder("a.ns.cluster.local", "b.ns.cluster.local");
      due.forEach(claim -> manager.retryLater(claim, Duration.ofMinutes(1)));
    }

    @Test
    void manyCertificatesOfAnotherRootAreCountedNotAllListed() throws Exception {
      for (int i = 0; i < 8; i++) {
        manager.getOrIssue(spec("s" + i + ".ns.cluster.local"));
      }

      List<String> waiting = manager.notIssuedBy(TestCa.otherEcRoot().certificate());

      assertThat(waiting).hasSize(WaitingList.LISTED + 1).last().isEqualTo("and 3 more cached certificates");
    }

    @Test
    void concurrentRequestsForOneNameCostOneIssuance() throws Exception {
      issuer.hold(1);
      List<Future<Certificate>> callers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        callers.add(threads.submit(() -> manager.getOrIssue(spec("a.ns.cluster.local"))));
      }
      issuer.awaitEntered();
      issuer.release();

      Certificate first = callers.get(0).get(10, TimeUnit.SECONDS);
      for (Future<Certificate> caller : callers) {
        assertThat(caller.get(10, TimeUnit.SECONDS)).isSameAs(first);
      }
      assertThat(issuer.issuances()).isEqualTo(1);
      assertThat(manager.size()).isEqualTo(1);
    }

    @Test
    void aFailedFirstIssuanceIsSharedAndTheNextCallerTriesAfresh() throws Exception {
      issuer.failNext(1);

      assertThatThrownBy(() -> manager.getOrIssue(spec("a"))).isInstanceOf(IssuanceException.class);
      assertThat(manager.size()).isZero();
      assertThat(manager.getOrIssue(spec("a")).commonName()).isEqualTo("a");
    }

    @Test
    void nothingIsDueBeforeTheRenewalInstantAndTheScheduleKnowsWhen() throws Exception {
      Certificate issued = manager.getOrIssue(spec("a"));
      Instant renewAt = issued.notBefore().plus(Duration.ofHours(2));

      assertThat(manager.nextRenewal()).contains(new ScheduledRenewal("a", renewAt));
      assertThat(manager.scheduledRenewal("a")).contains(renewAt);
      assertThat(manager.claimDue(renewAt.minusMillis(1), 10)).isEmpty();
      assertThat(manager.claimDue(renewAt, 10)).extracting(DueRenewal::commonName).containsExactly("a");
    }

    @Test
    void aClaimedCertificateIsNotClaimedTwice() throws Exception {
      manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));

      assertThat(manager.claimDue(clock.instant(), 10)).hasSize(1);
      assertThat(manager.claimDue(clock.instant(), 10)).isEmpty();
      assertThat(manager.scheduledRenewal("a")).isEmpty();
    }

    @Test
    void claimsTheSoonestFirstAndNoMoreThanAsked() throws Exception {
      manager.getOrIssue(spec("late"));
      clock.advance(Duration.ofMinutes(1));
      manager.getOrIssue(spec("later"));
      clock.advance(Duration.ofHours(3));
      manager.getOrIssue(spec("fresh"));

      assertThat(manager.claimDue(clock.instant(), 1)).extracting(DueRenewal::commonName).containsExactly("late");
      assertThat(manager.claimDue(clock.instant(), 5)).extracting(DueRenewal::commonName).containsExactly("later");
    }

    @Test
    void aFirstIssuanceIsToldAsIssuedOnceAndARenewalAsAReplacement() throws Exception {
      Certificate first = manager.getOrIssue(spec("a"));
      manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      Certificate renewed = manager.renew(manager.claimDue(clock.instant(), 10).get(0), s -> s, N_MINUTES).orElseThrow();
      manager.release("a");
      Certificate again = manager.getOrIssue(spec("a"));

      assertThat(issued).containsExactly("a " + first.serialHex(), "a " + again.serialHex());
      assertThat(replaced).containsExactly("a " + first.serialHex() + " -> " + renewed.serialHex());
    }

    @Test
    void aRenewalReplacesTheCertificateInOneStepAndIsToldOnce() throws Exception {
      Certificate old = manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      DueRenewal due = manager.claimDue(clock.instant(), 10).get(0);

      Optional<Certificate> successor = manager.renew(due, s -> s, N_MINUTES);

      assertThat(successor).isPresent();
      assertThat(successor.get().serialNumber()).isNotEqualTo(old.serialNumber());
      assertThat(manager.cached("a")).containsSame(successor.get());
      assertThat(manager.getOrIssue(spec("a"))).isSameAs(successor.get());
      assertThat(replaced).containsExactly("a " + old.serialHex() + " -> " + successor.get().serialHex());
      assertThat(manager.nextRenewal().orElseThrow().at())
          .isEqualTo(successor.get().notBefore().plus(Duration.ofHours(2)));
    }

    @Test
    void readersKeepGettingTheOldCertificateWhileItsSuccessorIsIssued() throws Exception {
      Certificate old = manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      DueRenewal due = manager.claimDue(clock.instant(), 10).get(0);
      issuer.hold(1);
      Future<Optional<Certificate>> renewal = threads.submit(() -> manager.renew(due, s -> s, N_MINUTES));
      issuer.awaitEntered();

      assertThat(manager.getOrIssue(spec("a"))).isSameAs(old);
      assertThat(manager.cached("a")).containsSame(old);

      issuer.release();
      Certificate successor = renewal.get(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(manager.getOrIssue(spec("a"))).isSameAs(successor);
    }

    @Test
    void aFailedRenewalKeepsTheOldCertificateAndIsRetriedAfterTheDelay() throws Exception {
      Certificate old = manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      issuer.failNext(2);

      DueRenewal first = manager.claimDue(clock.instant(), 10).get(0);
      assertThatThrownBy(() -> manager.renew(first, s -> s, N_MINUTES)).isInstanceOf(IssuanceException.class);
      assertThat(manager.cached("a")).containsSame(old);
      assertThat(manager.scheduledRenewal("a")).contains(clock.instant().plus(Duration.ofMinutes(1)));
      assertThat(manager.claimDue(clock.instant().plusSeconds(59), 10)).isEmpty();

      clock.advance(Duration.ofMinutes(1));
      DueRenewal second = manager.claimDue(clock.instant(), 10).get(0);
      assertThat(second.failedRenewals()).isEqualTo(1);
      assertThatThrownBy(() -> manager.renew(second, s -> s, N_MINUTES)).isInstanceOf(IssuanceException.class);
      assertThat(manager.scheduledRenewal("a")).contains(clock.instant().plus(Duration.ofMinutes(2)));

      clock.advance(Duration.ofMinutes(2));
      DueRenewal third = manager.claimDue(clock.instant(), 10).get(0);
      Certificate successor = manager.renew(third, s -> s, N_MINUTES).orElseThrow();
      assertThat(manager.cached("a")).containsSame(successor);
      assertThat(replaced).hasSize(1);
    }

    @Test
    void aRenewalIssuesTheReshapedSpec() throws Exception {
      manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      DueRenewal due = manager.claimDue(clock.instant(), 10).get(0);

      Certificate successor = manager.renew(due, s -> new CertificateSpec(s.kind(), s.commonName(), s.dnsNames(),
          s.uris(), Duration.ofHours(4), new KeySpec(KeyAlgorithm.ECDSA_P384, 0)), N_MINUTES).orElseThrow();

      assertThat(Duration.between(successor.notBefore(), successor.notAfter())).isEqualTo(Duration.ofHours(4));
      assertThat(issuer.requests().get(1).key().algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P384);
    }

    @Test
    void aNameReleasedDuringItsRenewalStaysReleased() throws Exception {
      manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      DueRenewal due = manager.claimDue(clock.instant(), 10).get(0);

      manager.release("a");

      assertThat(manager.renew(due, s -> s, N_MINUTES)).isEmpty();
      assertThat(manager.size()).isZero();
      assertThat(manager.nextRenewal()).isEmpty();
      assertThat(replaced).isEmpty();
    }

    @Test
    void releaseTakesTheNameOutOfTheSchedule() throws Exception {
      manager.getOrIssue(spec("a"));
      manager.getOrIssue(spec("b"));

      manager.release("a");

      assertThat(manager.nextRenewal().orElseThrow().commonName()).isEqualTo("b");
      clock.advance(Duration.ofHours(3));
      assertThat(manager.claimDue(clock.instant(), 10)).extracting(DueRenewal::commonName).containsExactly("b");
      assertThat(manager.overdue(clock.instant(), 10).listed()).extracting(OverdueCertificate::commonName)
          .containsExactly("b");
    }

    @Test
    void aCertificateWithoutSuccessorIsOverdueFromItsOverdueInstant() throws Exception {
      Certificate issued = manager.getOrIssue(spec("a"));
      Instant overdueAt = issued.notAfter().minus(Duration.ofMinutes(10));

      assertThat(manager.overdue(overdueAt.minusMillis(1), 10).count()).isZero();
      OverdueReport report = manager.overdue(overdueAt, 10);
      assertThat(report.count()).isEqualTo(1);
      assertThat(report.listed()).containsExactly(
          new OverdueCertificate("a", CertificateKind.SERVICE, issued.notAfter(), 0));

      clock.set(overdueAt);
      DueRenewal due = manager.claimDue(clock.instant(), 10).get(0);
      manager.renew(due, s -> s, N_MINUTES);
      assertThat(manager.overdue(clock.instant(), 10).count()).isZero();
    }

    @Test
    void anExpiredCertificateIsReissuedOnRequestAndTheReplacementIsTold() throws Exception {
      Certificate old = manager.getOrIssue(spec("a"));
      clock.set(old.notAfter());

      Certificate fresh = manager.getOrIssue(spec("a"));

      assertThat(fresh.serialNumber()).isNotEqualTo(old.serialNumber());
      assertThat(replaced).containsExactly("a " + old.serialHex() + " -> " + fresh.serialHex());
      assertThat(manager.nextRenewal().orElseThrow().at()).isAfter(clock.instant());
    }

    @Test
    void aReaderOfAnExpiredCertificateSharesTheRenewalUnderWay() throws Exception {
      Certificate old = manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      DueRenewal due = manager.claimDue(clock.instant(), 10).get(0);
      issuer.hold(1);
      Future<Optional<Certificate>> renewal = threads.submit(() -> manager.renew(due, s -> s, N_MINUTES));
      issuer.awaitEntered();
      clock.set(old.notAfter());

      Future<Certificate> reader = threads.submit(() -> manager.getOrIssue(spec("a")));
      issuer.release();

      Certificate successor = renewal.get(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(reader.get(10, TimeUnit.SECONDS)).isSameAs(successor);
      assertThat(issuer.issuances()).isEqualTo(2);
      assertThat(replaced).hasSize(1);
    }

    @Test
    void aPostponedClaimIsDueAgainWithoutCountingAFailure() throws Exception {
      manager.getOrIssue(spec("a"));
      clock.advance(Duration.ofHours(2));
      DueRenewal due = manager.claimDue(clock.instant(), 10).get(0);

      manager.retryLater(due, Duration.ofSeconds(5));

      assertThat(manager.claimDue(clock.instant().plusSeconds(4), 10)).isEmpty();
      assertThat(manager.claimDue(clock.instant().plusSeconds(5), 10).get(0).failedRenewals()).isZero();
    }

    @Test
    void lookingForDueCertificatesNeverRereadsThem() throws Exception {
      AtomicInteger windows = new AtomicInteger();
      CertificateCache counting = new CertificateCache(issuer, clock, certificate -> {
        windows.incrementAndGet();
        return TIMING.windowFor(certificate);
      }, CertificateListener.NONE);
      for (int i = 0; i < 50; i++) {
        counting.getOrIssue(spec("cn-" + i));
      }

      for (int pass = 0; pass < 1_000; pass++) {
        assertThat(counting.claimDue(clock.instant(), 100)).isEmpty();
        assertThat(counting.overdue(clock.instant(), 100).count()).isZero();
      }

      assertThat(windows).hasValue(50);
    }

    @Test
    void withoutATimingACertificateIsDueOnlyOnceExpired() throws Exception {
      CertificateCache plain = new CertificateCache(issuer, clock);
      Certificate issued = plain.getOrIssue(spec("a"));

      assertThat(plain.nextRenewal().orElseThrow().at()).isEqualTo(issued.notAfter());
      assertThat(plain.getOrIssue(spec("a"))).isSameAs(issued);
    }
  }

  /** What the issuance meter is told, and the expiry inventory the cache gives. */
  @Nested
  class Metering {

    private static final Duration VALIDITY = Duration.ofHours(3);
    private static final RenewalTiming TIMING = certificate -> new RenewalWindow(
        certificate.notBefore().plus(Duration.ofHours(2)), certificate.notAfter().minus(Duration.ofMinutes(10)));

    private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    private final ControllableIssuer issuer = new ControllableIssuer(TestCa.fixedRootIssuer(clock));
    private final List<String> metered = new CopyOnWriteArrayList<>();
    private final CertificateCache cache = new CertificateCache(issuer, clock, TIMING, CertificateListener.NONE,
        new IssuanceMeter() {
          @Override
          public void issued(CertificateKind kind, Duration took, boolean succeeded) {
            assertThat(took).isGreaterThanOrEqualTo(Duration.ZERO);
            metered.add("issued " + kind + " " + (succeeded ? "success" : "failure"));
          }

          @Override
          public void renewed(CertificateKind kind, Duration took, boolean succeeded) {
            assertThat(took).isGreaterThanOrEqualTo(Duration.ZERO);
            metered.add("renewed " + kind + " " + (succeeded ? "success" : "failure"));
          }
        });

    private CertificateSpec spec(CertificateKind kind, String cn) {
      return new CertificateSpec(kind, cn, List.of(cn), List.of(), VALIDITY, KeySpec.ECDSA_P256);
    }

    @Test
    void firstIssuanceAndItsFailureAreMeteredAndACacheHitIsNot() throws Exception {
      issuer.failNext(1);
      assertThatThrownBy(() -> cache.getOrIssue(spec(CertificateKind.SERVICE, "a")))
          .isInstanceOf(IssuanceException.class);
      cache.getOrIssue(spec(CertificateKind.SERVICE, "a"));
      cache.getOrIssue(spec(CertificateKind.SERVICE, "a"));
      cache.getOrIssue(spec(CertificateKind.MUTATING_WEBHOOK, "webhook"));

      assertThat(metered).containsExactly("issued SERVICE failure", "issued SERVICE success",
          "issued MUTATING_WEBHOOK success");
    }

    @Test
    void renewalsAreMeteredApartFromFirstIssuance() throws Exception {
      cache.getOrIssue(spec(CertificateKind.SERVICE, "a"));
      clock.advance(Duration.ofHours(2));
      issuer.failNext(1);
      DueRenewal failing = cache.claimDue(clock.instant(), 1).get(0);
      assertThatThrownBy(() -> cache.renew(failing, spec -> spec, failures -> Duration.ofMinutes(1)))
          .isInstanceOf(IssuanceException.class);
      clock.advance(Duration.ofMinutes(1));
      cache.renew(cache.claimDue(clock.instant(), 1).get(0), spec -> spec, failures -> Duration.ofMinutes(1));

      assertThat(metered).containsExactly("issued SERVICE success", "renewed SERVICE failure",
          "renewed SERVICE success");
    }

    @Test
    void theSoonestExpiryOfEachKindInService() throws Exception {
      Certificate first = cache.getOrIssue(spec(CertificateKind.SERVICE, "a"));
      clock.advance(Duration.ofMinutes(30));
      cache.getOrIssue(spec(CertificateKind.SERVICE, "b"));
      Certificate webhook = cache.getOrIssue(spec(CertificateKind.VALIDATING_WEBHOOK, "validator"));

      assertThat(cache.soonestExpiries()).containsExactlyInAnyOrderEntriesOf(Map.of(
          CertificateKind.SERVICE, first.notAfter(), CertificateKind.VALIDATING_WEBHOOK, webhook.notAfter()));

      cache.release("a");
      assertThat(cache.soonestExpiries().get(CertificateKind.SERVICE)).isAfter(first.notAfter());
    }
  }
}

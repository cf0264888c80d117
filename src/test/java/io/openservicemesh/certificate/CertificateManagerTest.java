package io.openservicemesh.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.testing.ControllableIssuer;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CertificateManagerTest {

  private static final Duration VALIDITY = Duration.ofHours(3);
  /** Renew two thirds into the lifetime; overdue with ten minutes left. */
  private static final RenewalTiming TIMING = certificate -> new RenewalWindow(
      certificate.notBefore().plus(Duration.ofHours(2)), certificate.notAfter().minus(Duration.ofMinutes(10)));
  /** The retry delay after n failures: n minutes. */
  private static final IntFunction<Duration> N_MINUTES = failures -> Duration.ofMinutes(failures);

  private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
  private final ControllableIssuer issuer = new ControllableIssuer(TestCa.issuer(clock));
  private final List<String> replaced = new CopyOnWriteArrayList<>();
  private final CertificateManager manager = new CertificateManager(issuer, clock, TIMING,
      (cn, kind, previous, current) -> replaced.add(cn + " " + previous.serialHex() + " -> " + current.serialHex()));
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
    CertificateManager counting = new CertificateManager(issuer, clock, certificate -> {
      windows.incrementAndGet();
      return TIMING.windowFor(certificate);
    }, ReplacementListener.NONE);
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
    CertificateManager plain = new CertificateManager(issuer, clock);
    Certificate issued = plain.getOrIssue(spec("a"));

    assertThat(plain.nextRenewal().orElseThrow().at()).isEqualTo(issued.notAfter());
    assertThat(plain.getOrIssue(spec("a"))).isSameAs(issued);
  }
}

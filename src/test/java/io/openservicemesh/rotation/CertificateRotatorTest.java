package io.openservicemesh.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.ControllableIssuer;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rotation with a clock the test moves: renewal passes run on the test thread (renewals too, unless a test
 * says otherwise), so every outcome is checked right after the pass that caused it.
 */
class CertificateRotatorTest {

  private static final Duration DAY = Duration.ofHours(24);
  private static final ServiceIdentity BOOKSTORE = new ServiceIdentity("bookstore", "bookstore-ns");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
  private final ControllableIssuer issuer = new ControllableIssuer(TestCa.fixedRootIssuer(clock));
  private final RotationAnnouncer announcer = new RotationAnnouncer();
  private final BlockingQueue<CertificateRotated> announced = new LinkedBlockingQueue<>();
  private final MeshCertificateSpecs specs = specs(DAY, KeySpec.ECDSA_P256);

  private CertificateCache manager;
  private CertificateRotator rotator;

  @AfterEach
  void stop() {
    issuer.release();
    announcer.close(Duration.ofSeconds(5));
    if (rotator != null) {
      rotator.close();
    }
  }

  private static MeshCertificateSpecs specs(Duration serviceValidity, KeySpec key) {
    return new MeshCertificateSpecs("cluster.local", "osm-system", serviceValidity, Duration.ofDays(3650), key);
  }

  /** Renewal draws fixed at the middle of the jitter (two thirds of the lifetime), renewals on this thread. */
  private void start() {
    start(() -> 0.5, new RotationLimits(2, 1_000), Runnable::run);
  }

  private void start(DoubleSupplier jitter, RotationLimits limits, Executor workers) {
    manager = new CertificateCache(issuer, clock, new JitteredRenewalTiming(RenewalPolicy.DEFAULT, jitter),
        (cn, kind, previous, current) -> announcer.announce(new CertificateRotated(cn, kind, previous, current)));
    rotator = new CertificateRotator(manager, clock, limits, CertificateRotator.RETRY_BACKOFF, () -> 0.5, workers);
    announcer.subscribe("test", announced::add);
  }

  private CertificateRotated nextAnnouncement() throws InterruptedException {
    CertificateRotated event = announced.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an announcement").isNotNull();
    return event;
  }

  /** Announces a marker and waits for it: everything announced before it has been delivered by then. */
  private List<CertificateRotated> drainAnnouncements() throws Exception {
    Certificate any = manager.cached(specs.service(BOOKSTORE).commonName()).orElseThrow();
    announcer.announce(new CertificateRotated("marker", CertificateKind.SERVICE, any, any));
    List<CertificateRotated> before = new ArrayList<>();
    for (CertificateRotated event = nextAnnouncement(); !event.commonName().equals("marker");
        event = nextAnnouncement()) {
      before.add(event);
    }
    return before;
  }

  @Test
  void aCertificateIsRenewedInItsWindowAndNotBefore() throws Exception {
    start();
    Certificate first = manager.getOrIssue(specs.service(BOOKSTORE));
    Instant renewAt = first.notBefore().plus(Duration.ofHours(16));

    clock.set(renewAt.minusSeconds(1));
    assertThat(rotator.runPass(specs).claimed()).isZero();
    assertThat(manager.cached(first.commonName())).containsSame(first);

    clock.set(renewAt);
    assertThat(rotator.runPass(specs).claimed()).isEqualTo(1);
    Certificate renewed = manager.cached(first.commonName()).orElseThrow();
    assertThat(renewed.serialNumber()).isNotEqualTo(first.serialNumber());
    assertThat(renewed.notAfter()).isEqualTo(renewAt.plus(DAY));
    assertThat(rotator.statistics().renewals()).isEqualTo(1);
    assertThat(rotator.status().nextRenewal().orElseThrow().at()).isEqualTo(renewAt.plus(Duration.ofHours(16)));
  }

  @Test
  void theRenewalIsAnnouncedOnceToEverySubscriber() throws Exception {
    start();
    BlockingQueue<CertificateRotated> second = new LinkedBlockingQueue<>();
    announcer.subscribe("second", second::add);
    Certificate first = manager.getOrIssue(specs.service(BOOKSTORE));
    clock.advance(Duration.ofHours(16));

    rotator.runPass(specs);
    clock.advance(Duration.ofSeconds(5));
    rotator.runPass(specs);
    rotator.runPass(specs);

    Certificate renewed = manager.cached(first.commonName()).orElseThrow();
    CertificateRotated expected =
        new CertificateRotated(first.commonName(), specs.service(BOOKSTORE).kind(), first, renewed);
    assertThat(drainAnnouncements()).containsExactly(expected);
    assertThat(second.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(expected);
  }

  @Test
  void aFailingAndASlowSubscriberHoldUpNeitherTheOthersNorTheNextPass() throws Exception {
    start();
    CountDownLatch unblock = new CountDownLatch(1);
    announcer.subscribe("slow", event -> {
      try {
        unblock.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    announcer.subscribe("failing", event -> {
      throw new IllegalStateException("broken subscriber");
    });
    // Two identities due an hour apart: each pass renews one.
    Certificate first = manager.getOrIssue(specs.service(BOOKSTORE));
    clock.advance(Duration.ofHours(1));
    Certificate other = manager.getOrIssue(specs.service(new ServiceIdentity("bookbuyer", "bookstore-ns")));
    try {
      assertTimeoutPreemptively(WAIT, () -> {
        clock.advance(Duration.ofHours(15));
        assertThat(rotator.runPass(specs).claimed()).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        assertThat(rotator.runPass(specs).claimed()).isEqualTo(1);
      });

      assertThat(nextAnnouncement().previous()).isSameAs(first);
      assertThat(nextAnnouncement().previous()).isSameAs(other);
      assertThat(rotator.statistics().renewals()).isEqualTo(2);
    } finally {
      unblock.countDown();
    }
  }

  @Test
  void aFailingIssuerLeavesTheOldCertificateInServiceAndIsRetriedWithBackoff() throws Exception {
    start();
    Certificate first = manager.getOrIssue(specs.service(BOOKSTORE));
    clock.advance(Duration.ofHours(16));
    issuer.failNext(3);

    rotator.runPass(specs);
    assertThat(rotator.statistics().failures()).isEqualTo(1);
    assertThat(rotator.status().lastRenewalFailure()).as("readiness tells why").hasValueSatisfying(
        failure -> assertThat(failure).contains(first.commonName()));
    assertThat(manager.cached(first.commonName())).containsSame(first);
    // Retry n waits in [c/2, c) with c = 1s * 2^(n-1); the test's draw of 0.5 makes it 3/4 of c.
    List<Duration> waits = List.of(Duration.ofMillis(750), Duration.ofMillis(1500), Duration.ofMillis(3000));
    for (int failure = 0; failure < 3; failure++) {
      Instant retryAt = clock.instant().plus(waits.get(failure));
      assertThat(manager.scheduledRenewal(first.commonName())).contains(retryAt);
      clock.set(retryAt.minusMillis(1));
      assertThat(rotator.runPass(specs).claimed()).as("before retry %d", failure + 1).isZero();
      clock.set(retryAt);
      assertThat(rotator.runPass(specs).claimed()).as("at retry %d", failure + 1).isEqualTo(1);
    }

    assertThat(rotator.statistics().failures()).isEqualTo(3);
    assertThat(rotator.statistics().renewals()).isEqualTo(1);
    assertThat(rotator.status().lastRenewalFailure()).as("gone once a renewal succeeds").isEmpty();
    assertThat(issuer.issuances()).isEqualTo(5);
    Certificate renewed = manager.cached(first.commonName()).orElseThrow();
    assertThat(renewed.serialNumber()).isNotEqualTo(first.serialNumber());
    assertThat(drainAnnouncements()).extracting(CertificateRotated::previous).containsExactly(first);
  }

  @Test
  void aChangedValidityAndKeyAlgorithmApplyAtTheNextRenewal() throws Exception {
    start();
    Certificate first = manager.getOrIssue(specs.service(BOOKSTORE));
    MeshCertificateSpecs changed = specs(Duration.ofHours(12), new KeySpec(KeyAlgorithm.ECDSA_P384, 0));

    clock.advance(Duration.ofHours(1));
    rotator.runPass(changed);
    assertThat(manager.cached(first.commonName())).containsSame(first);

    clock.advance(Duration.ofHours(15));
    rotator.runPass(changed);
    Certificate renewed = manager.cached(first.commonName()).orElseThrow();
    assertThat(Duration.between(renewed.notBefore(), renewed.notAfter())).isEqualTo(Duration.ofHours(12));
    assertThat(issuer.requests().get(1).key().algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P384);
    assertThat(renewed.leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
    // And its own renewal follows its own lifetime: two thirds of 12h.
    assertThat(manager.scheduledRenewal(first.commonName())).contains(renewed.notBefore().plus(Duration.ofHours(8)));
  }

  @Test
  void aCertificateNearExpiryWithoutSuccessorIsReportedOnceUntilRenewed() throws Exception {
    start();
    Certificate first = manager.getOrIssue(specs.service(BOOKSTORE));
    issuer.failNext(Integer.MAX_VALUE);
    clock.advance(Duration.ofHours(16));
    rotator.runPass(specs);

    clock.set(first.notAfter().minus(Duration.ofMinutes(73)));
    rotator.runPass(specs);
    assertThat(rotator.status().overdue().count()).isZero();

    clock.set(first.notAfter().minus(Duration.ofMinutes(72)));
    rotator.runPass(specs);
    rotator.runPass(specs);
    RotationStatus status = rotator.status();
    assertThat(status.overdue().count()).isEqualTo(1);
    assertThat(status.overdue().listed()).extracting(o -> o.commonName()).containsExactly(first.commonName());
    assertThat(status.overdueTotal()).isEqualTo(1);
    assertThat(rotator.statistics().overdueNow()).isEqualTo(1);
    assertThat(manager.cached(first.commonName())).containsSame(first);

    issuer.failNext(0);
    clock.advance(Duration.ofMinutes(3)); // past the retry, capped at two minutes
    rotator.runPass(specs);
    rotator.runPass(specs);
    assertThat(rotator.status().overdue().count()).isZero();
    assertThat(rotator.status().overdueTotal()).isEqualTo(1);
    assertThat(rotator.statistics().renewals()).isEqualTo(1);
  }

  @Test
  void manyCertificatesDueTogetherAreRenewedWithinThePerPassBudgetAndSpreadAfterwards() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    List<Double> draws = new ArrayList<>();
    // The first 300 issuances draw the same jitter (a fleet that fell due together); renewals draw freely.
    start(() -> draws.size() < 300 ? record(draws, 0.5) : record(draws, random.nextDouble()),
        new RotationLimits(2, 50), Runnable::run);
    for (int i = 0; i < 300; i++) {
      manager.getOrIssue(specs.service(new ServiceIdentity("sa-" + i, "ns")));
    }
    clock.advance(Duration.ofHours(16));

    for (int pass = 1; pass <= 6; pass++) {
      assertThat(rotator.runPass(specs).claimed()).as("pass %d", pass).isEqualTo(50);
      assertThat(rotator.statistics().renewals()).isEqualTo(50L * pass);
    }
    assertThat(rotator.runPass(specs).claimed()).isZero();

    Set<Instant> nextRenewals = new HashSet<>();
    Instant earliest = Instant.MAX;
    Instant latest = Instant.MIN;
    for (int i = 0; i < 300; i++) {
      Instant at = manager.scheduledRenewal("sa-" + i + ".ns.cluster.local").orElseThrow();
      nextRenewals.add(at);
      earliest = at.isBefore(earliest) ? at : earliest;
      latest = at.isAfter(latest) ? at : latest;
    }
    assertThat(nextRenewals).hasSizeGreaterThan(290);
    // The jitter window is 10% of 24h = 144 minutes; 300 draws cover most of it.
    assertThat(Duration.between(earliest, latest)).isGreaterThan(Duration.ofMinutes(120));
  }

  @Test
  void renewalsStillUnderWayCountAgainstTheNextPassesBudget() throws Exception {
    List<Runnable> queued = new ArrayList<>();
    start(() -> 0.5, new RotationLimits(2, 50), queued::add);
    for (int i = 0; i < 120; i++) {
      manager.getOrIssue(specs.service(new ServiceIdentity("sa-" + i, "ns")));
    }
    clock.advance(Duration.ofHours(16));

    assertThat(rotator.runPass(specs).claimed()).isEqualTo(50);
    assertThat(rotator.runPass(specs).claimed()).isZero();
    assertThat(rotator.status().renewalsInFlight()).isEqualTo(50);
    for (int i = 0; i < 20; i++) {
      queued.remove(0).run();
    }
    assertThat(rotator.runPass(specs).claimed()).isEqualTo(20);
    assertThat(rotator.status().renewalsInFlight()).isEqualTo(50);
  }

  @Test
  void aClaimNoWorkerTakesGoesBackToTheScheduleWithoutCountingAFailure() throws Exception {
    start(() -> 0.5, new RotationLimits(2, 50), task -> {
      throw new RejectedExecutionException("stopping");
    });
    Certificate first = manager.getOrIssue(specs.service(BOOKSTORE));
    clock.advance(Duration.ofHours(16));

    rotator.runPass(specs);

    assertThat(rotator.statistics().failures()).isZero();
    assertThat(rotator.status().renewalsInFlight()).isZero();
    assertThat(manager.scheduledRenewal(first.commonName())).contains(clock.instant().plusMillis(750));
  }

  @Test
  void aSlowCaDoesNotDelayThePassRenewalsRunOnWorkerThreads() throws Exception {
    CertificateCache threaded = new CertificateCache(issuer, clock,
        new JitteredRenewalTiming(RenewalPolicy.DEFAULT, () -> 0.5),
        (cn, kind, previous, current) -> announcer.announce(new CertificateRotated(cn, kind, previous, current)));
    rotator = CertificateRotator.withWorkerThreads(threaded, clock, new RotationLimits(2, 100),
        CertificateRotator.RETRY_BACKOFF, () -> 0.5);
    announcer.subscribe("test", announced::add);
    Certificate first = threaded.getOrIssue(specs.service(BOOKSTORE));
    clock.advance(Duration.ofHours(16));
    issuer.hold(1);

    assertTimeoutPreemptively(WAIT, () -> {
      assertThat(rotator.runPass(specs).claimed()).isEqualTo(1);
      issuer.awaitEntered();
      assertThat(rotator.runPass(specs).claimed()).isZero();
    });
    assertThat(rotator.status().renewalsInFlight()).isEqualTo(1);
    assertThat(threaded.getOrIssue(specs.service(BOOKSTORE))).isSameAs(first);

    issuer.release();
    assertThat(nextAnnouncement().previous()).isSameAs(first);
  }

  @Test
  void warnsWhenTheRootEntersTheLastFifthOfItsLife() throws Exception {
    start();
    Instant warnFrom = TrustedRoots.warningAt(TestCa.fixedRoot().certificate().getNotBefore().toInstant(),
        TestCa.fixedRoot().notAfter());

    clock.set(warnFrom.minus(Duration.ofMinutes(1)));
    rotator.runPass(specs);
    assertThat(rotator.status().rootCaWarning()).isEmpty();

    clock.set(warnFrom.minusMillis(1));
    rotator.runPass(specs);
    assertThat(rotator.status().rootCaWarning()).isEmpty();
    clock.set(warnFrom);
    rotator.runPass(specs);
    assertThat(rotator.status().rootCaWarning()).hasValueSatisfying(warning -> assertThat(warning)
        .contains("last 20% of its lifetime").contains(TestCa.fixedRoot().serialHex()));
  }

  private static double record(List<Double> draws, double draw) {
    draws.add(draw);
    return draw;
  }
}

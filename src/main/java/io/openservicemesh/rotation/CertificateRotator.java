package io.openservicemesh.rotation;

import io.openservicemesh.schedule.LogThrottle;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.DueRenewal;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.OverdueCertificate;
import io.openservicemesh.certificate.OverdueReport;
import io.openservicemesh.certificate.TrustBundleChanged;
import io.openservicemesh.schedule.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs rotation passes over the {@link CertificateCache}'s schedule. A pass claims the certificates that
 * are due (soonest first, within the {@link RotationLimits}) and hands them to renewal workers, then
 * reports what is overdue and checks the roots' age. It returns at once: issuance, which may wait on a
 * remote CA, happens on the workers, so a slow CA never delays the next pass.
 *
 * <p>A renewal that fails keeps the old certificate in service and is retried with backoff and jitter
 * ({@link #RETRY_BACKOFF}); a certificate that gets near expiry without a successor is reported loudly:
 * a SEVERE log line naming it, the {@code overdue} counter, and the readiness report.
 *
 * <p>Renewals issue for the settings given to the pass that claimed them
 * ({@link MeshCertificateSpecs#renewalOf}), so a changed validity or key algorithm applies from the next
 * renewal. Each replacement is announced by the cache's listener, once.
 */
public final class CertificateRotator implements AutoCloseable {

  /**
   * Retries of a failed renewal: 1 s doubling to 2 min, jittered. The cap keeps a CA that comes back from
   * waiting long for its first renewal, and is well inside the shortest renewal lead the configuration
   * allows in production (10 minutes * (1/3 - 0.05) = 170 s gives several attempts).
   */
  public static final Backoff RETRY_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(2));
  /** Overdue certificates named in logs and readiness; the rest are counted. */
  static final int NAMES_LISTED = 10;
  private static final Logger LOG = Logger.getLogger(CertificateRotator.class.getName());

  private final CertificateCache cache;
  private final Clock clock;
  private final RotationLimits limits;
  private final Backoff backoff;
  private final DoubleSupplier random;
  private final Executor workers;
  private final ExecutorService ownedWorkers;
  private final RotationStatistics statistics = new RotationStatistics();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final TrustedRoots trustedRoots;
  private final LogThrottle failureLogs = new LogThrottle(Duration.ofSeconds(10), 10);
  // Written by passes only (runPass is synchronized); read by status().
  private Set<String> overdueNames = Set.of();
  private volatile OverdueReport lastOverdue = OverdueReport.NONE;
  private volatile Instant lastPass;
  /** The latest renewal's outcome when it failed (what readiness tells while a CA refuses); null after a success. */
  private volatile String lastRenewalFailure;

  /**
   * @param random uniform numbers in [0, 1) for the retry jitter
   * @param workers runs renewals; at most {@code limits.concurrency()} should run at once
   */
  public CertificateRotator(CertificateCache cache, Clock clock, RotationLimits limits, Backoff backoff,
      DoubleSupplier random, Executor workers) {
    this(cache, clock, limits, backoff, random, workers, null);
  }

  private CertificateRotator(CertificateCache cache, Clock clock, RotationLimits limits, Backoff backoff,
      DoubleSupplier random, Executor workers, ExecutorService ownedWorkers) {
    this.cache = cache;
    this.clock = clock;
    this.limits = limits;
    this.backoff = backoff;
    this.random = random;
    this.workers = workers;
    this.ownedWorkers = ownedWorkers;
    this.trustedRoots = new TrustedRoots(cache.trustedCasPem());
  }

  /** A rotator with {@code limits.concurrency()} renewal threads of its own, stopped by {@link #close}. */
  public static CertificateRotator withWorkerThreads(CertificateCache cache, Clock clock,
      RotationLimits limits, Backoff backoff, DoubleSupplier random) {
    AtomicInteger number = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(limits.concurrency(), task -> {
      Thread thread = new Thread(task, "certificate-renewal-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    return new CertificateRotator(cache, clock, limits, backoff, random, pool, pool);
  }

  /**
   * What one pass did.
   *
   * @param trustBundleChanged present when the issuer's roots differ from the bundle in force before the pass
   */
  public record PassResult(int claimed, int overdue, Optional<TrustBundleChanged> trustBundleChanged) {}

  /**
   * One pass: claim what is due and start renewing it for {@code specs} (the settings in force now),
   * report overdue certificates, follow the issuer's roots (see {@link TrustedRoots}). Cheap when nothing is due: two looks at the heads
   * of the cache's indexes and a comparison of instants.
   */
  public synchronized PassResult runPass(MeshCertificateSpecs specs) {
    Instant now = clock.instant();
    List<DueRenewal> due = cache.claimDue(now, limits.perPass() - inFlight.get());
    for (DueRenewal renewal : due) {
      inFlight.incrementAndGet();
      try {
        workers.execute(() -> renew(renewal, specs));
      } catch (RejectedExecutionException stopping) {
        inFlight.decrementAndGet();
        cache.retryLater(renewal, backoff.delay(0, random.getAsDouble()));
      }
    }
    trackOverdue(now);
    Optional<TrustBundleChanged> rootsChanged = followRoots(now);
    statistics.passRan();
    lastPass = now;
    return new PassResult(due.size(), lastOverdue.count(), rootsChanged);
  }

  public RotationStatistics statistics() {
    return statistics;
  }

  public RotationStatus status() {
    return new RotationStatus(
        Optional.ofNullable(lastPass),
        statistics.renewals(),
        statistics.failures(),
        statistics.overdue(),
        lastOverdue,
        cache.nextRenewal(),
        cache.size(),
        inFlight.get(),
        trustedRoots.warning(),
        Optional.ofNullable(lastRenewalFailure));
  }

  /** Stops the renewal threads of {@link #withWorkerThreads}; renewals under way are interrupted. */
  @Override
  public void close() {
    if (ownedWorkers == null) {
      return;
    }
    ownedWorkers.shutdownNow();
    try {
      ownedWorkers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void renew(DueRenewal due, MeshCertificateSpecs specs) {
    try {
      Optional<Certificate> successor = cache.renew(
          due, specs::renewalOf, failures -> backoff.delay(failures - 1, random.getAsDouble()));
      if (successor.isPresent()) {
        statistics.renewed();
        lastRenewalFailure = null;
        logRenewed(due, successor.get());
      } else {
        statistics.supersededRenewal();
        LOG.fine(() -> "renewal of " + due.commonName() + " not used: released or re-issued meanwhile");
      }
    } catch (IssuanceException | RuntimeException e) {
      statistics.failed();
      lastRenewalFailure = clock.instant() + " " + due.commonName() + ": " + e.getMessage();
      logFailure(due, e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void logRenewed(DueRenewal due, Certificate successor) {
    CertificateKind kind = due.spec().kind();
    // Service and bootstrap certificates renew by the thousand; the control plane's own are worth a line.
    Level level = kind == CertificateKind.SERVICE || kind == CertificateKind.XDS_BOOTSTRAP ? Level.FINE : Level.INFO;
    LOG.log(level, () -> "renewed " + kind + " certificate " + due.commonName() + ": serial "
        + due.current().serialHex() + " -> " + successor.serialHex() + ", valid until " + successor.notAfter()
        + ", next renewal at " + cache.scheduledRenewal(due.commonName()).map(Instant::toString).orElse("-"));
  }

  private void logFailure(DueRenewal due, Exception e) {
    long suppressed = failureLogs.permit();
    if (suppressed < 0) {
      return;
    }
    Certificate current = due.current();
    boolean expired = current.isExpiredAt(clock.instant());
    String message = "renewal of " + due.spec().kind() + " certificate " + due.commonName() + " failed (attempt "
        + (due.failedRenewals() + 1) + "): " + e.getMessage() + "; the current certificate (serial "
        + current.serialHex() + ") " + (expired ? "EXPIRED at " : "stays in service until ") + current.notAfter()
        + ", next attempt at "
        + cache.scheduledRenewal(due.commonName()).map(Instant::toString).orElse("-")
        + LogThrottle.suppressedNote(suppressed);
    // An issuer's refusal is expected news (its message says why); anything else is a bug worth a trace.
    LOG.log(expired ? Level.SEVERE : Level.WARNING, message, e instanceof IssuanceException ? null : e);
  }

  /**
   * Every pass: issuers answer {@code trustedCasPem()} from what they hold (a remote CA's roots are refreshed
   * by its own timer), so this is a comparison. A failure to get them is no reason to fail the pass.
   */
  private Optional<TrustBundleChanged> followRoots(Instant now) {
    try {
      return trustedRoots.check(cache.trustedCasPem(), now);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not read the issuer's trusted roots", e);
      return Optional.empty();
    }
  }

  /** The trust bundle in force: the issuer's roots as of the last pass. */
  public String trustBundlePem() {
    return trustedRoots.pem();
  }

  private void trackOverdue(Instant now) {
    OverdueReport report = cache.overdue(now, Integer.MAX_VALUE);
    if (report.count() == 0 && overdueNames.isEmpty()) {
      lastOverdue = OverdueReport.NONE;
      statistics.overdueNow(0);
      return;
    }
    Set<String> names = new HashSet<>();
    int newlyOverdue = 0;
    for (OverdueCertificate late : report.listed()) {
      names.add(late.commonName());
      if (!overdueNames.contains(late.commonName())) {
        newlyOverdue++;
        if (newlyOverdue <= NAMES_LISTED) {
          LOG.severe(describeOverdue(late, now));
        }
      }
    }
    statistics.becameOverdue(newlyOverdue);
    if (newlyOverdue > NAMES_LISTED) {
      LOG.severe((newlyOverdue - NAMES_LISTED)
          + " more certificates became overdue (near or past expiry without a successor)");
    }
    int recovered = 0;
    for (String name : overdueNames) {
      if (!names.contains(name)) {
        recovered++;
        if (recovered <= NAMES_LISTED) {
          LOG.info("certificate " + name + " is no longer overdue (renewed or released)");
        }
      }
    }
    overdueNames = names;
    lastOverdue = new OverdueReport(report.count(),
        report.listed().subList(0, Math.min(NAMES_LISTED, report.listed().size())));
    statistics.overdueNow(report.count());
  }

  static String describeOverdue(OverdueCertificate late, Instant now) {
    return "certificate " + late.commonName() + " (" + late.kind() + ") has no successor and "
        + (late.isExpiredAt(now) ? "EXPIRED at " : "expires at ") + late.notAfter() + " after "
        + late.failedRenewals() + " failed renewal(s): check the certificate authority";
  }
}

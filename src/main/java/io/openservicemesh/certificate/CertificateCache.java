package io.openservicemesh.certificate;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place certificates come from. It caches them by common name, makes sure that concurrent requests
 * for one identity produce one certificate (single flight: a thousand pods of one service starting together
 * cost one issuance, not a thousand), and decides when a cached certificate can no longer be handed out.
 * Issuers only issue.
 *
 * <p>It also keeps the renewal schedule: when a certificate is issued, its {@link RenewalWindow} (from the
 * {@link RenewalTiming}) goes into two time-ordered indexes, one by renewal instant and one by overdue
 * instant. A rotation pass asks only for the head of those indexes, so a pass over a cache where nothing is
 * due touches no certificate. A renewal issues the successor while the current certificate stays in
 * service, then swaps the two in one step: a reader gets either the old or the new certificate, never a
 * gap. Every issuance and replacement is told to the {@link CertificateListener}.
 *
 * <p>The cache holds one entry per live identity; {@link #release} drops an identity that left the mesh,
 * with its place in the schedule.
 */
public class CertificateCache {

  private static final Logger LOG = Logger.getLogger(CertificateCache.class.getName());

  private final Issuer issuer;
  private final Clock clock;
  private final RenewalTiming timing;
  private final CertificateListener listener;
  private final IssuanceMeter meter;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
  // Invariant, kept by changing them only inside entries.compute for that name: the indexes hold exactly
  // the keys of the current entries (see index/unindex).
  private final RenewalIndex renewals = new RenewalIndex();
  private final RenewalIndex overdue = new RenewalIndex();

  /** A manager that renews nothing ahead of time: a certificate is re-issued once it has expired. */
  public CertificateCache(Issuer issuer, Clock clock) {
    this(issuer, clock, RenewalTiming.AT_EXPIRY, CertificateListener.NONE);
  }

  public CertificateCache(Issuer issuer, Clock clock, RenewalTiming timing, CertificateListener listener) {
    this(issuer, clock, timing, listener, IssuanceMeter.NONE);
  }

  /** @param meter told of every call to the issuer: what kind, how long it took, whether it succeeded */
  public CertificateCache(
      Issuer issuer, Clock clock, RenewalTiming timing, CertificateListener listener, IssuanceMeter meter) {
    this.issuer = issuer;
    this.clock = clock;
    this.timing = timing;
    this.listener = listener;
    this.meter = meter;
  }

  /**
   * The cached certificate for the spec's common name while it is valid, else a newly issued one. Callers
   * asking for the same common name while it is being issued wait for that issuance and share its result,
   * including its failure.
   */
  public Certificate getOrIssue(CertificateSpec spec) throws IssuanceException {
    String name = spec.commonName();
    while (true) {
      Entry current = entries.get(name);
      if (current == null) {
        Entry mine = Entry.issuing(spec);
        if (replace(name, null, mine)) {
          return issue(name, mine, null);
        }
      } else if (!current.certificate.isDone()) {
        return await(current.certificate);
      } else {
        Optional<Certificate> cached = completedValue(current.certificate);
        if (cached.isPresent() && !cached.get().isExpiredAt(clock.instant())) {
          return cached.get();
        }
        if (current.successor != null) {
          // Expired while its renewal is under way: share that issuance rather than start a second one.
          return await(current.successor);
        }
        Entry mine = Entry.issuing(spec);
        if (replace(name, current, mine)) {
          return issue(name, mine, cached.orElse(null));
        }
      }
      // Another caller changed the entry between our read and our write: look again.
    }
  }

  /** The cached certificate for a common name, if any, without issuing. */
  public Optional<Certificate> cached(String commonName) {
    Entry entry = entries.get(commonName);
    return entry == null || !entry.certificate.isDone() ? Optional.empty() : completedValue(entry.certificate);
  }

  /** Forgets an identity that left the mesh, and its renewal: the cache follows the live mesh. */
  public void release(String commonName) {
    entries.computeIfPresent(commonName, (name, current) -> {
      unindex(name, current);
      return null;
    });
  }

  public int size() {
    return entries.size();
  }

  /** The issued certificates' public facts, sorted by common name; one being issued for the first time is left out. */
  public List<CachedCertificate> list() {
    List<CachedCertificate> listed = new ArrayList<>();
    entries.forEach((name, entry) -> {
      Certificate current = inService(entry);
      if (current != null) {
        listed.add(new CachedCertificate(name, entry.spec.kind(), current.serialHex(), current.notBefore(),
            current.notAfter(), Optional.ofNullable(entry.scheduledAt), entry.failedRenewals));
      }
    });
    listed.sort(java.util.Comparator.comparing(CachedCertificate::commonName));
    return listed;
  }

  /**
   * The soonest NotAfter of the certificates in service, per kind. Walks every entry: meant for a metrics
   * scrape every few seconds, not for a request path.
   */
  public Map<CertificateKind, Instant> soonestExpiries() {
    Map<CertificateKind, Instant> soonest = new EnumMap<>(CertificateKind.class);
    for (Entry entry : entries.values()) {
      Certificate current = inService(entry);
      if (current != null) {
        soonest.merge(entry.spec.kind(), current.notAfter(), (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    return soonest;
  }

  public String trustedCasPem() {
    return issuer.trustedCasPem();
  }

  /**
   * The cached certificates that the given root did not issue: what a root rotation still waits for once the
   * new root signs. At most {@code maxListed} common names, then how many more.
   */
  public List<String> notIssuedBy(X509Certificate root) {
    List<String> waiting = new ArrayList<>();
    for (Map.Entry<String, Entry> cached : entries.entrySet()) {
      Certificate certificate = inService(cached.getValue());
      if (certificate == null || IssuedBy.root(certificate.chain(), root)) {
        continue;
      }
      waiting.add(cached.getValue().spec.kind() + " certificate " + cached.getKey() + " (serial "
          + certificate.serialHex() + ") is not yet re-issued under the new root");
    }
    return WaitingList.of(waiting, "cached certificates");
  }

  /**
   * Makes every cached certificate that the given root did not issue due for renewal now: once a new root
   * signs, the certificates of the old one are replaced at the rotation's pace, not at their own.
   *
   * @return how many were moved forward
   */
  public int expediteNotIssuedBy(X509Certificate root, Instant now) {
    int moved = 0;
    for (String name : List.copyOf(entries.keySet())) {
      boolean[] changed = {false};
      replaceIf(name, current -> current.scheduledAt != null && current.scheduledAt.isAfter(now)
          && current.certificate.isDone() && completedValue(current.certificate)
              .filter(certificate -> !IssuedBy.root(certificate.chain(), root)).isPresent(),
          current -> {
            changed[0] = true;
            return current.retryAt(now, current.failedRenewals);
          });
      if (changed[0]) {
        moved++;
      }
    }
    return moved;
  }

  /** The soonest scheduled renewal (or retry) of any certificate. */
  public Optional<ScheduledRenewal> nextRenewal() {
    return renewals.first();
  }

  /** When the certificate of a common name is scheduled to be renewed; empty while a renewal is under way. */
  public Optional<Instant> scheduledRenewal(String commonName) {
    Entry entry = entries.get(commonName);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.scheduledAt);
  }

  /**
   * Claims up to {@code max} certificates whose renewal instant is at or before {@code now}, soonest first.
   * Each must then be passed to {@link #renew} or {@link #retryLater}; until then no other call claims it.
   * Costs one look at the head of the schedule when nothing is due.
   */
  public List<DueRenewal> claimDue(Instant now, int max) {
    if (max <= 0 || !renewals.hasAnyUntil(now)) {
      return List.of();
    }
    List<DueRenewal> claimed = new ArrayList<>();
    for (ScheduledRenewal due : renewals.until(now)) {
      if (claimed.size() >= max) {
        break;
      }
      Entry current = entries.get(due.commonName());
      if (current == null || !due.at().equals(current.scheduledAt)) {
        continue; // changed since the index was read
      }
      Entry claimedEntry = current.claimed();
      if (replace(due.commonName(), current, claimedEntry)) {
        claimed.add(new DueRenewal(due.commonName(), current.spec, current.issuedCertificate(),
            current.failedRenewals, claimedEntry.successor));
      }
    }
    return claimed;
  }

  /**
   * Issues the successor of a claimed certificate and puts it in service in one step. The old certificate
   * serves until then, and stays in service if issuance fails; a retry is then scheduled
   * {@code retryDelay.apply(failures)} from now, where failures counts this one.
   *
   * @param reshape the spec to issue, from the spec of the current certificate: renewals follow the
   *     settings in force now (validity, key algorithm), not those of the first issuance
   * @return the successor; empty when the name was released or re-issued meanwhile (nothing replaced)
   * @throws IssuanceException when issuance failed (the retry is already scheduled)
   */
  public Optional<Certificate> renew(
      DueRenewal due, UnaryOperator<CertificateSpec> reshape, IntFunction<Duration> retryDelay)
      throws IssuanceException {
    CertificateSpec spec;
    Certificate successor;
    RenewalWindow window;
    long started = System.nanoTime();
    try {
      spec = reshape.apply(due.spec());
      successor = issuer.issue(spec);
      window = timing.windowFor(successor);
    } catch (Throwable e) {
      meterRenewal(due.spec().kind(), started, false);
      // Errors too: a claim never ended would never be renewed, and readers of an expired certificate
      // waiting for its successor would wait forever.
      int failures = due.failedRenewals() + 1;
      scheduleRetry(due, clock.instant().plus(retryDelayOrCeiling(retryDelay, failures)), failures);
      due.successor.completeExceptionally(e);
      throw e;
    }
    meterRenewal(spec.kind(), started, true);
    Entry next = Entry.issued(CompletableFuture.completedFuture(successor), spec, window);
    boolean replaced = replaceIf(due.commonName(), current -> current.successor == due.successor, next);
    due.successor.complete(successor);
    if (!replaced) {
      return Optional.empty();
    }
    tellReplaced(due.commonName(), spec.kind(), due.current(), successor);
    return Optional.of(successor);
  }

  /**
   * Gives back a claim that was not attempted (e.g. no worker could take it): the certificate is due again
   * after {@code delay}, without counting a failure.
   */
  public void retryLater(DueRenewal due, Duration delay) {
    scheduleRetry(due, clock.instant().plus(delay), due.failedRenewals());
    due.successor.completeExceptionally(new IssuanceException("the renewal was postponed", true));
  }

  /**
   * The certificates past their overdue instant at {@code now} with no successor. Costs one look at the head
   * of the overdue index when none are.
   */
  public OverdueReport overdue(Instant now, int maxListed) {
    if (!overdue.hasAnyUntil(now)) {
      return OverdueReport.NONE;
    }
    int count = 0;
    List<OverdueCertificate> listed = new ArrayList<>();
    for (ScheduledRenewal late : overdue.until(now)) {
      Entry entry = entries.get(late.commonName());
      if (entry == null || entry.window == null || !late.at().equals(entry.window.overdueAt())) {
        continue;
      }
      count++;
      if (listed.size() < maxListed) {
        listed.add(new OverdueCertificate(late.commonName(), entry.spec.kind(),
            entry.issuedCertificate().notAfter(), entry.failedRenewals));
      }
    }
    return new OverdueReport(count, listed);
  }

  private Certificate issue(String name, Entry mine, Certificate previous) throws IssuanceException {
    long started = System.nanoTime();
    try {
      Certificate issued;
      try {
        issued = issuer.issue(mine.spec);
      } catch (Throwable e) {
        meterIssuance(mine.spec.kind(), started, false);
        throw e;
      }
      meterIssuance(mine.spec.kind(), started, true);
      RenewalWindow window = timing.windowFor(issued);
      mine.certificate.complete(issued);
      boolean installed = replace(name, mine, Entry.issued(mine.certificate, mine.spec, window));
      LOG.fine(() -> "issued " + mine.spec.kind() + " certificate " + issued + " in "
          + (System.nanoTime() - started) / 1_000 + " us, renewal at " + window.renewAt());
      if (installed && previous != null) {
        tellReplaced(name, mine.spec.kind(), previous, issued);
      } else if (installed) {
        tellIssued(name, mine.spec.kind(), issued);
      }
      return issued;
    } catch (Throwable e) {
      // Waiters see the same failure; the next caller tries afresh. Errors too: an entry never completed would
      // block every later caller for this name forever.
      replace(name, mine, null);
      mine.certificate.completeExceptionally(e);
      throw e;
    }
  }

  private void scheduleRetry(DueRenewal due, Instant at, int failures) {
    replaceIf(due.commonName(), current -> current.successor == due.successor,
        current -> current.retryAt(at, failures));
  }

  private static Duration retryDelayOrCeiling(IntFunction<Duration> retryDelay, int failures) {
    try {
      return retryDelay.apply(failures);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the retry delay could not be computed; retrying in a minute", e);
      return Duration.ofMinutes(1);
    }
  }

  private void meterIssuance(CertificateKind kind, long startedNanos, boolean succeeded) {
    try {
      meter.issued(kind, Duration.ofNanos(System.nanoTime() - startedNanos), succeeded);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the issuance meter failed", e);
    }
  }

  private void meterRenewal(CertificateKind kind, long startedNanos, boolean succeeded) {
    try {
      meter.renewed(kind, Duration.ofNanos(System.nanoTime() - startedNanos), succeeded);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the issuance meter failed", e);
    }
  }

  private void tellIssued(String name, CertificateKind kind, Certificate current) {
    try {
      listener.issued(name, kind, current);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the certificate listener failed for " + name, e);
    }
  }

  private void tellReplaced(String name, CertificateKind kind, Certificate previous, Certificate current) {
    try {
      listener.replaced(name, kind, previous, current);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the certificate listener failed for " + name, e);
    }
  }

  /** Replaces {@code expected} (null: no entry) by {@code replacement} (null: none), if still current. */
  private boolean replace(String name, Entry expected, Entry replacement) {
    boolean[] replaced = {false};
    entries.compute(name, (key, current) -> {
      if (current != expected) {
        return current;
      }
      replaced[0] = true;
      return reindex(key, current, replacement);
    });
    return replaced[0];
  }

  private boolean replaceIf(String name, Predicate<Entry> condition, Entry replacement) {
    return replaceIf(name, condition, current -> replacement);
  }

  private boolean replaceIf(String name, Predicate<Entry> condition, UnaryOperator<Entry> change) {
    boolean[] replaced = {false};
    entries.computeIfPresent(name, (key, current) -> {
      if (!condition.test(current)) {
        return current;
      }
      replaced[0] = true;
      return reindex(key, current, change.apply(current));
    });
    return replaced[0];
  }

  private Entry reindex(String name, Entry old, Entry replacement) {
    if (old != null) {
      unindex(name, old);
    }
    if (replacement != null) {
      if (replacement.scheduledAt != null) {
        renewals.add(name, replacement.scheduledAt);
      }
      if (replacement.window != null) {
        overdue.add(name, replacement.window.overdueAt());
      }
    }
    return replacement;
  }

  private void unindex(String name, Entry entry) {
    if (entry.scheduledAt != null) {
      renewals.remove(name, entry.scheduledAt);
    }
    if (entry.window != null) {
      overdue.remove(name, entry.window.overdueAt());
    }
  }

  private static Certificate await(CompletableFuture<Certificate> inFlight) throws IssuanceException {
    try {
      return inFlight.join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof IssuanceException issuance) {
        throw new IssuanceException(issuance.getMessage(), issuance.retryable(), issuance);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IssuanceException("issuance failed: " + cause, true, cause);
    }
  }

  /** The certificate an entry serves now; null while its first issuance is under way. */
  private static Certificate inService(Entry entry) {
    return entry.certificate.isDone() ? completedValue(entry.certificate).orElse(null) : null;
  }

  private static Optional<Certificate> completedValue(CompletableFuture<Certificate> done) {
    if (done.isCompletedExceptionally()) {
      return Optional.empty();
    }
    return Optional.ofNullable(done.getNow(null));
  }

  /**
   * What the cache holds for one common name. Immutable: every change is a new entry swapped in with
   * {@code entries.compute}, which also moves its index keys.
   *
   * @param certificate what readers get; incomplete while the first issuance (or a re-issue after expiry)
   *     is under way
   * @param spec what the certificate was issued for
   * @param window its renewal window; null until issued
   * @param scheduledAt when it is due for renewal (or for the retry of a failed renewal); null while issuing
   *     or while a renewal is claimed
   * @param failedRenewals failed renewal attempts since it was issued
   * @param successor the claimed renewal under way, else null
   */
  private record Entry(
      CompletableFuture<Certificate> certificate,
      CertificateSpec spec,
      RenewalWindow window,
      Instant scheduledAt,
      int failedRenewals,
      CompletableFuture<Certificate> successor) {

    static Entry issuing(CertificateSpec spec) {
      return new Entry(new CompletableFuture<>(), spec, null, null, 0, null);
    }

    static Entry issued(CompletableFuture<Certificate> certificate, CertificateSpec spec, RenewalWindow window) {
      return new Entry(certificate, spec, window, window.renewAt(), 0, null);
    }

    Entry claimed() {
      return new Entry(certificate, spec, window, null, failedRenewals, new CompletableFuture<>());
    }

    Entry retryAt(Instant at, int failures) {
      return new Entry(certificate, spec, window, at, failures, null);
    }

    Certificate issuedCertificate() {
      return certificate.getNow(null);
    }
  }
}

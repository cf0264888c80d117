package io.openservicemesh.certificate;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;

/**
 * The one place certificates come from. It caches them by common name, makes sure that concurrent requests
 * for one identity produce one certificate (single flight: a thousand pods of one service starting together
 * cost one issuance, not a thousand), and decides when a cached certificate can no longer be handed out.
 * Issuers only issue.
 *
 * <p>The cache holds one entry per live identity; {@link #release} drops an identity that left the mesh.
 */
public class CertificateManager {

  private static final Logger LOG = Logger.getLogger(CertificateManager.class.getName());

  private final Issuer issuer;
  private final Clock clock;
  private final ConcurrentMap<String, CompletableFuture<Certificate>> byCommonName = new ConcurrentHashMap<>();

  public CertificateManager(Issuer issuer, Clock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  /**
   * The cached certificate for the spec's common name while it is valid, else a newly issued one. Callers
   * asking for the same common name while it is being issued wait for that issuance and share its result,
   * including its failure.
   */
  public Certificate getOrIssue(CertificateSpec spec) throws IssuanceException {
    String name = spec.commonName();
    while (true) {
      CompletableFuture<Certificate> current = byCommonName.get(name);
      if (current == null) {
        CompletableFuture<Certificate> mine = new CompletableFuture<>();
        if (byCommonName.putIfAbsent(name, mine) == null) {
          return issueInto(mine, spec);
        }
      } else if (!current.isDone()) {
        return await(current);
      } else {
        Optional<Certificate> cached = completedValue(current);
        if (cached.isPresent() && !cached.get().isExpiredAt(clock.instant())) {
          return cached.get();
        }
        CompletableFuture<Certificate> mine = new CompletableFuture<>();
        if (byCommonName.replace(name, current, mine)) {
          return issueInto(mine, spec);
        }
      }
      // Another caller changed the entry between our read and our write: look again.
    }
  }

  /** The cached certificate for a common name, if any, without issuing. */
  public Optional<Certificate> cached(String commonName) {
    CompletableFuture<Certificate> entry = byCommonName.get(commonName);
    return entry == null || !entry.isDone() ? Optional.empty() : completedValue(entry);
  }

  /** Forgets an identity that left the mesh, so the cache follows the live mesh. */
  public void release(String commonName) {
    byCommonName.remove(commonName);
  }

  public int size() {
    return byCommonName.size();
  }

  public String trustedCasPem() {
    return issuer.trustedCasPem();
  }

  private Certificate issueInto(CompletableFuture<Certificate> mine, CertificateSpec spec) throws IssuanceException {
    long started = System.nanoTime();
    try {
      Certificate issued = issuer.issue(spec);
      mine.complete(issued);
      LOG.fine(() -> "issued " + spec.kind() + " certificate " + issued + " in "
          + (System.nanoTime() - started) / 1_000 + " us");
      return issued;
    } catch (Throwable e) {
      // Waiters see the same failure; the next caller tries afresh. Errors too: an entry never completed would
      // block every later caller for this name forever.
      byCommonName.remove(spec.commonName(), mine);
      mine.completeExceptionally(e);
      throw e;
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

  private static Optional<Certificate> completedValue(CompletableFuture<Certificate> done) {
    if (done.isCompletedExceptionally()) {
      return Optional.empty();
    }
    return Optional.ofNullable(done.getNow(null));
  }
}

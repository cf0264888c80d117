package io.openservicemesh.bootstrap;

import io.openservicemesh.bootstrap.TrackedCredential.State;
import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.IssuedBy;
import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.WaitingList;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.rotation.RenewalPolicy;
import io.openservicemesh.schedule.Backoff;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * Keeps every live proxy's bootstrap Secret usable for as long as its pod lives: renews the xDS client
 * certificate under the same renewal policy as every other certificate (judged by the certificate's own
 * lifetime, so a Vault role or cert-manager issuer that caps the lifetime is renewed in time too), writes the
 * current mesh roots into it when they change, and sets the pod as the Secret's owner so Kubernetes deletes the
 * Secret with the pod. Each change rewrites the Secret in place (same name, same keys) with the resourceVersion
 * it was read at; the sidecar's Envoy picks the files up without a restart ({@link BootstrapFiles}).
 *
 * <p>Runs on the leader only: {@link #track} is given every pass's list of meshed pods, {@link #pass} does what
 * is due. A Secret is read when its pod is first seen and again only when something is due, so a quiet mesh costs
 * one pod list per discovery pass. A failed renewal keeps the old Secret and is retried with backoff; a
 * credential near expiry without a successor is reported by {@link #overdue}.
 */
public final class BootstrapRenewer implements RootDistribution {

  private static final Logger LOG = Logger.getLogger(BootstrapRenewer.class.getName());
  static final Backoff RETRY = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));

  /** One renewal's outcome counts, for the log and for tests. */
  public record PassResult(int renewed, int rerooted, int adopted, int failed) {
    public boolean quiet() {
      return renewed + rerooted + adopted + failed == 0;
    }
  }

  /** A proxy whose credential is near expiry without a successor. */
  public record Overdue(String namespace, String secretName, Instant notAfter, int failedAttempts, String reason) {}

  private final BootstrapSecrets secrets;
  private final BootstrapCertificates issuer;
  private final TrustBundle trustBundle;
  private final Clock clock;
  private final DoubleSupplier random;
  private final Map<String, TrackedCredential> tracked = new HashMap<>();

  public BootstrapRenewer(
      BootstrapSecrets secrets, BootstrapCertificates issuer, TrustBundle trustBundle, Clock clock,
      DoubleSupplier random) {
    this.secrets = secrets;
    this.issuer = issuer;
    this.trustBundle = trustBundle;
    this.clock = clock;
    this.random = random;
  }

  /** The meshed pods as just listed: new ones are read at the next pass, gone or finished ones forgotten. */
  public synchronized void track(List<MeshPod> pods) {
    Set<String> live = new HashSet<>();
    for (MeshPod pod : pods) {
      if (pod.finished()) {
        continue; // a renewal for a pod that is going away would only be collected with it
      }
      live.add(pod.key());
      TrackedCredential entry = tracked.computeIfAbsent(pod.key(), key -> new TrackedCredential(pod));
      if (!pod.uid().equals(entry.pod.uid())) {
        tracked.put(pod.key(), new TrackedCredential(pod)); // a new pod under the old proxy UUID: read afresh
      }
    }
    tracked.keySet().retainAll(live);
  }

  /** Leadership moved away: what was learned may be stale when it comes back. */
  public synchronized void forget() {
    tracked.clear();
  }

  public synchronized PassResult pass(RenewalPolicy policy, String osmNamespace) {
    Instant now = clock.instant();
    String roots;
    List<X509Certificate> rootCertificates;
    try {
      roots = trustBundle.pem();
      rootCertificates = Pem.decodeCertificates(roots);
    } catch (IssuanceException | PemException e) {
      LOG.fine(() -> "bootstrap renewal waits for the mesh roots: " + e.getMessage());
      return new PassResult(0, 0, 0, 0);
    }
    Optional<X509Certificate> signing = issuer.signingRoot();
    Counts counts = new Counts();
    for (TrackedCredential entry : new ArrayList<>(tracked.values())) {
      if (entry.retryAt.isAfter(now) || !needsAttention(entry, policy, roots, signing, now)) {
        continue;
      }
      try {
        attend(entry, policy, osmNamespace, roots, rootCertificates, now, counts);
      } catch (IssuanceException | BootstrapSecretException e) {
        fail(entry, e.getMessage(), e instanceof BootstrapSecretException b && b.conflict(), now);
        counts.failed++;
      }
    }
    PassResult result = counts.result();
    if (!result.quiet()) {
      LOG.info(() -> "bootstrap credentials: " + result.renewed() + " renewed, " + result.rerooted()
          + " given new roots, " + result.adopted() + " given their pod as owner, " + result.failed()
          + " failed (retried with backoff)");
    }
    return result;
  }

  public synchronized List<Overdue> overdue(RenewalPolicy policy) {
    Instant now = clock.instant();
    return tracked.values().stream()
        .filter(entry -> entry.state == State.KNOWN)
        .filter(entry -> !now.isBefore(policy.overdueAt(entry.notBefore, entry.notAfter)))
        .map(entry -> new Overdue(entry.pod.namespace(), entry.pod.secretName(), entry.notAfter, entry.failures,
            entry.lastFailure == null ? "not renewed yet" : entry.lastFailure))
        .toList();
  }

  /** How many proxies' Secrets are kept, for the readiness details. */
  public synchronized int trackedCount() {
    return (int) tracked.values().stream().filter(entry -> entry.state == State.KNOWN).count();
  }

  private static boolean needsAttention(TrackedCredential entry, RenewalPolicy policy, String roots,
      Optional<X509Certificate> signing, Instant now) {
    return switch (entry.state) {
      case UNREAD -> true;
      case FOREIGN, MISSING -> false;
      case KNOWN -> !entry.owned || !roots.equals(entry.trustedRootsPem) || notIssuedBy(entry, signing)
          || policy.isDue(entry.notBefore, entry.notAfter, entry.jitter, now);
    };
  }

  /** Issued under another root of the mesh than the one that signs now: a root rotation re-issues it. */
  private static boolean notIssuedBy(TrackedCredential entry, Optional<X509Certificate> signing) {
    return signing.isPresent() && entry.issuedTop != null && !IssuedBy.root(List.of(entry.issuedTop), signing.get());
  }

  /** Live proxies' Secrets whose roots file is not yet this bundle, or that were not read yet. */
  @Override
  public synchronized List<String> notHolding(String trustBundlePem) {
    return WaitingList.of(tracked.values().stream()
        .filter(entry -> entry.state == State.UNREAD || entry.state == State.KNOWN
            && !trustBundlePem.equals(entry.trustedRootsPem))
        .map(entry -> "bootstrap Secret " + entry.pod.namespace() + "/" + entry.pod.secretName()
            + (entry.state == State.UNREAD ? " was not read yet" : " does not hold the new trust bundle yet")
            + failureNote(entry))
        .toList(), "bootstrap Secrets");
  }

  /** Live proxies' Secrets whose certificate the given root did not issue, or that were not read yet. */
  @Override
  public synchronized List<String> notIssuedBy(X509Certificate root) {
    return WaitingList.of(tracked.values().stream()
        .filter(entry -> entry.state == State.UNREAD || entry.state == State.KNOWN
            && notIssuedBy(entry, Optional.of(root)))
        .map(entry -> "bootstrap Secret " + entry.pod.namespace() + "/" + entry.pod.secretName()
            + (entry.state == State.UNREAD ? " was not read yet" : " holds a certificate of the outgoing root")
            + failureNote(entry))
        .toList(), "bootstrap Secrets");
  }

  private static String failureNote(TrackedCredential entry) {
    return entry.lastFailure == null ? "" : " (last attempt: " + entry.lastFailure + ")";
  }



  private void attend(
      TrackedCredential entry, RenewalPolicy policy, String osmNamespace, String roots,
      List<X509Certificate> rootCertificates, Instant now, Counts counts)
      throws IssuanceException, BootstrapSecretException {
    MeshPod pod = entry.pod;
    Optional<StoredBootstrapSecret> read = secrets.read(pod.namespace(), pod.secretName());
    if (read.isEmpty()) {
      entry.state = State.MISSING;
      LOG.warning(() -> "meshed pod " + pod.namespace() + "/" + pod.name() + " has no bootstrap Secret "
          + pod.secretName() + " (deleted by someone?): its proxy cannot start; recreate the pod");
      return;
    }
    StoredBootstrapSecret stored = read.get();
    Optional<StoredCredential> credential = StoredCredential.of(stored);
    if (credential.isPresent() && !credential.get().issuedUnder(rootCertificates)) {
      entry.state = State.FOREIGN;
      LOG.fine(() -> "bootstrap Secret " + pod.namespace() + "/" + pod.secretName()
          + " was not issued under this mesh's roots: left to its own mesh");
      return;
    }
    if (entry.state != State.KNOWN) {
      entry.jitter = random.getAsDouble();
    }
    Optional<X509Certificate> signing = issuer.signingRoot();
    boolean renew = credential.isEmpty()
        || !credential.get().commonName().equals(pod.proxy().commonName())
        || signing.isPresent() && !IssuedBy.root(credential.get().chain(), signing.get())
        || policy.isDue(credential.get().notBefore(), credential.get().notAfter(), entry.jitter, now);
    StoredBootstrapSecret written;
    if (renew) {
      Certificate renewed = issuer.bootstrapCertificate(pod.proxy());
      BootstrapFiles.Credential fresh = BootstrapFiles.Credential.of(renewed);
      written = secrets.rewrite(stored, BootstrapFiles.forProxy(pod.proxy(), osmNamespace, fresh), pod.owner());
      entry.jitter = random.getAsDouble();
      remember(entry, renewed.notBefore(), renewed.notAfter(), fresh.trustedRootsPem(), top(renewed.chain()));
      counts.renewed++;
      LOG.fine(() -> "renewed the bootstrap certificate in Secret " + pod.namespace() + "/" + pod.secretName()
          + ", valid until " + renewed.notAfter());
    } else {
      StoredCredential current = credential.get();
      if (!roots.equals(current.trustedRootsPem())) {
        written = secrets.rewrite(stored,
            BootstrapFiles.forProxy(pod.proxy(), osmNamespace, current.withRoots(roots)), pod.owner());
        counts.rerooted++;
      } else if (stored.owner().filter(pod.owner()::equals).isEmpty()) {
        written = secrets.rewrite(stored, stored.files(), pod.owner());
        counts.adopted++;
      } else {
        written = stored;
      }
      remember(entry, current.notBefore(), current.notAfter(), roots, top(current.chain()));
    }
    entry.owned = written.owner().filter(pod.owner()::equals).isPresent();
  }

  private static X509Certificate top(List<X509Certificate> chain) {
    return chain.get(chain.size() - 1);
  }

  private static void remember(TrackedCredential entry, Instant notBefore, Instant notAfter, String roots,
      X509Certificate issuedTop) {
    entry.state = State.KNOWN;
    entry.issuedTop = issuedTop;
    entry.notBefore = notBefore;
    entry.notAfter = notAfter;
    entry.trustedRootsPem = roots;
    entry.failures = 0;
    entry.retryAt = Instant.MIN;
    entry.lastFailure = null;
  }

  /**
   * The old Secret stays as it was. A conflict (the Secret changed since it was read) is simply read again at
   * the next pass; anything else waits out a growing backoff.
   */
  private void fail(TrackedCredential entry, String reason, boolean conflict, Instant now) {
    entry.lastFailure = reason;
    if (conflict) {
      entry.state = State.UNREAD;
      return;
    }
    entry.retryAt = now.plus(RETRY.delay(entry.failures, random.getAsDouble()));
    entry.failures++;
    LOG.warning(() -> "cannot renew the bootstrap credential in Secret " + entry.pod.namespace() + "/"
        + entry.pod.secretName() + " (attempt " + entry.failures + "): " + reason + "; the current Secret stays,"
        + " next try after " + entry.retryAt);
  }

  private static final class Counts {
    int renewed;
    int rerooted;
    int adopted;
    int failed;

    PassResult result() {
      return new PassResult(renewed, rerooted, adopted, failed);
    }
  }
}

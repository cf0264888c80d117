package io.openservicemesh.rotation;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.TrustBundleChanged;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one owner of the mesh's trust bundle: the issuer's roots as of the last rotation pass. A pass hands it
 * the issuer's PEM; a change is returned as a {@link TrustBundleChanged} for the consumers, and the roots are
 * parsed only then, so an unchanged pass costs a string comparison.
 *
 * <p>It also warns when a root enters the last {@value #WARNING_PERCENT}% of its lifetime: rotating a root
 * takes planning (every proxy must trust the new one before anything is signed by it), and OSM users found
 * out at expiry (#1260).
 */
final class TrustedRoots {

  static final int WARNING_PERCENT = 20;
  private static final Duration REPEAT = Duration.ofHours(24);
  private static final Logger LOG = Logger.getLogger(TrustedRoots.class.getName());

  private volatile String pem;
  private List<X509Certificate> roots = List.of();
  private Instant warnFrom = Instant.MAX;
  private Instant lastWarned;
  private volatile Optional<String> warning = Optional.empty();

  /** @param initialPem the issuer's roots when rotation starts: the bundle consumers are first given */
  TrustedRoots(String initialPem) {
    watch(initialPem);
  }

  /** The instant a root with this validity enters the last {@value #WARNING_PERCENT}% of its lifetime. */
  static Instant warningAt(Instant notBefore, Instant notAfter) {
    long lifetime = Duration.between(notBefore, notAfter).toMillis();
    return notBefore.plusMillis(Math.max(0, lifetime) / 100 * (100 - WARNING_PERCENT));
  }

  /** The bundle in force: what every consumer hands out. */
  String pem() {
    return pem;
  }

  /**
   * Called by each pass (one thread at a time) with the issuer's roots now.
   *
   * @return the change, when the issuer's roots differ from the bundle in force
   */
  synchronized Optional<TrustBundleChanged> check(String issuerPem, Instant now) {
    Optional<TrustBundleChanged> change = Optional.empty();
    if (!issuerPem.equals(pem)) {
      change = Optional.of(new TrustBundleChanged(pem, issuerPem));
      watch(issuerPem);
      LOG.info(() -> "the mesh's trusted roots changed: now " + describe(roots));
    }
    warnNearExpiry(now);
    return change;
  }

  Optional<String> warning() {
    return warning;
  }

  private void warnNearExpiry(Instant now) {
    if (now.isBefore(warnFrom)) {
      warning = Optional.empty();
      return;
    }
    X509Certificate root = soonestExpiring();
    String text = "root CA " + root.getSubjectX500Principal().getName() + " (serial "
        + root.getSerialNumber().toString(16) + ") is in the last " + WARNING_PERCENT
        + "% of its lifetime: it expires at " + root.getNotAfter().toInstant()
        + "; plan a root rotation before then";
    warning = Optional.of(text);
    if (lastWarned == null || !now.isBefore(lastWarned.plus(REPEAT))) {
      lastWarned = now;
      LOG.warning(text);
    }
  }

  private void watch(String newPem) {
    pem = newPem;
    lastWarned = null;
    try {
      roots = Pem.decodeCertificates(newPem);
    } catch (Pem.PemException e) {
      LOG.warning("cannot read the trusted roots to watch their expiry: " + e.getMessage());
      roots = List.of();
    }
    warnFrom = roots.stream()
        .map(root -> warningAt(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()))
        .min(Instant::compareTo)
        .orElse(Instant.MAX);
  }

  private static String describe(List<X509Certificate> roots) {
    return roots.size() + " root(s) " + roots.stream()
        .map(root -> root.getSubjectX500Principal().getName() + " serial " + root.getSerialNumber().toString(16))
        .toList();
  }

  private X509Certificate soonestExpiring() {
    return roots.stream().min((a, b) -> a.getNotAfter().compareTo(b.getNotAfter())).orElseThrow();
  }
}

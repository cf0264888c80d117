package io.openservicemesh.rotation;

import io.openservicemesh.certificate.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Warns when a root CA the mesh trusts enters the last {@value #WARNING_PERCENT}% of its lifetime: rotating a
 * root takes planning (every proxy must trust the new one before anything is signed by it), and OSM users
 * found out at expiry (#1260). The roots are parsed only when the issuer's PEM changes, so a pass costs a
 * comparison of two instants.
 */
final class RootCaWatch {

  static final int WARNING_PERCENT = 20;
  private static final Duration REPEAT = Duration.ofHours(24);
  private static final Logger LOG = Logger.getLogger(RootCaWatch.class.getName());

  private String watchedPem;
  private List<X509Certificate> roots = List.of();
  private Instant warnFrom = Instant.MAX;
  private Instant lastWarned;
  private volatile Optional<String> warning = Optional.empty();

  /** The instant a root with this validity enters the last {@value #WARNING_PERCENT}% of its lifetime. */
  static Instant warningAt(Instant notBefore, Instant notAfter) {
    long lifetime = Duration.between(notBefore, notAfter).toMillis();
    return notBefore.plusMillis(Math.max(0, lifetime) / 100 * (100 - WARNING_PERCENT));
  }

  /** Called by each pass (one thread at a time). */
  synchronized void check(String trustedCasPem, Instant now) {
    if (!trustedCasPem.equals(watchedPem)) {
      watch(trustedCasPem);
    }
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

  Optional<String> warning() {
    return warning;
  }

  private void watch(String pem) {
    watchedPem = pem;
    lastWarned = null;
    try {
      roots = Pem.decodeCertificates(pem);
    } catch (Pem.PemException e) {
      LOG.warning("cannot read the trusted roots to watch their expiry: " + e.getMessage());
      roots = List.of();
    }
    warnFrom = roots.stream()
        .map(root -> warningAt(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()))
        .min(Instant::compareTo)
        .orElse(Instant.MAX);
  }

  private X509Certificate soonestExpiring() {
    return roots.stream().min((a, b) -> a.getNotAfter().compareTo(b.getNotAfter())).orElseThrow();
  }
}

package io.openservicemesh.rotation;

import io.openservicemesh.certificate.RenewalWindow;
import io.openservicemesh.config.RotationSettings;
import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a certificate: a pure function of its NotBefore, its NotAfter and one uniform random
 * number (the jitter source). Nothing here reads a clock or the request that produced the certificate; the
 * validity is the certificate's own (OSM computed expiry from "now + requested" and Envoys kept expired
 * certificates, #5000).
 *
 * <p><b>The rule.</b> With lifetime {@code L = NotAfter - NotBefore}, renew at
 * {@code NotBefore + L * (1 - renewBeforeFraction + jitterFraction * (2u - 1))} for a uniform {@code u} in
 * [0, 1) drawn once per certificate. With the defaults (1/3, 0.05) that is between 61.7% and 71.7% of the
 * lifetime: a 24h certificate renews 6.8h to 9.2h before it expires.
 *
 * <p><b>Why a third.</b> What is left of the lifetime at renewal is the time a failing CA (Vault away,
 * cert-manager slow) has to come back before anything breaks. OSM renewed with a third left; so do we, as
 * the rotation pass is cheap and renewing at half (Istio, SPIRE) would issue a third more certificates for
 * little gain at a 24h lifetime. Configurable per mesh.
 *
 * <p><b>Why ±5% of the lifetime as jitter.</b> Certificates issued together (a deployment scaled up, every
 * proxy after a control plane restart) would otherwise all fall due in the same pass, and hit the CA as a
 * storm every renewal cycle. Peers: Istio draws ±1% (a 29-minute window at 24h: 10,000 certificates renew
 * at ~6/s), SPIRE ±10%, Consul anywhere from 60% to 90% (its late end leaves only 10% of the lifetime to
 * retry). ±5% spreads a 24h fleet over 2.4h (10,000 certificates: ~1.2 renewals/s, far below what one CA
 * signs), still leaves at least 28% of the lifetime to retry, and renews at most 5% of the lifetime earlier
 * than the plain rule. The draw is made again at each issuance, so a fleet that did fall due together (after
 * a CA outage) is spread again by its next renewal.
 *
 * <p><b>Overdue.</b> A certificate without a successor once less than {@link #OVERDUE_FRACTION} of its
 * lifetime remains (72 minutes at 24h) is an emergency to report, not just a retry to schedule. The margin
 * is never more than half of the shortest renewal lead, so a healthy renewal is never reported overdue.
 *
 * <p><b>Clocks.</b> The instants are wall-clock instants compared with a wall clock (certificates are
 * judged by wall clocks on every peer). A NotBefore in the future (an issuer whose clock runs ahead) or
 * backdated (our clock-skew allowance) is simply part of the lifetime: renewal still falls inside it.
 *
 * @param renewBeforeFraction renew when this fraction of the lifetime remains, before jitter; in (0, 1)
 * @param jitterFraction the renewal point moves by up to this fraction of the lifetime either way
 */
public record RenewalPolicy(double renewBeforeFraction, double jitterFraction) {

  /** A third of the lifetime left, give or take 5% of it. */
  public static final RenewalPolicy DEFAULT = new RenewalPolicy(1.0 / 3, 0.05);

  /** A certificate without a successor is overdue when less than this fraction of its lifetime remains. */
  public static final double OVERDUE_FRACTION = 0.05;

  /** The policy the rotation settings in force describe. */
  public static RenewalPolicy of(RotationSettings settings) {
    return new RenewalPolicy(settings.renewBeforeFraction(), settings.jitterFraction());
  }

  public RenewalPolicy {
    if (!(renewBeforeFraction > 0 && renewBeforeFraction < 1)) {
      throw new IllegalArgumentException("renewBeforeFraction must be in (0, 1), got " + renewBeforeFraction);
    }
    if (!(jitterFraction >= 0)) {
      throw new IllegalArgumentException("jitterFraction must be at least 0, got " + jitterFraction);
    }
    if (renewBeforeFraction - jitterFraction <= 0 || renewBeforeFraction + jitterFraction >= 1) {
      throw new IllegalArgumentException("renewBeforeFraction " + renewBeforeFraction + " +/- jitterFraction "
          + jitterFraction + " must stay inside (0, 1): renewal must fall inside the lifetime");
    }
  }

  /**
   * The instant from which a certificate is due for renewal.
   *
   * @param uniform the certificate's jitter draw, in [0, 1)
   */
  public Instant renewAt(Instant notBefore, Instant notAfter, double uniform) {
    if (!(uniform >= 0 && uniform < 1)) {
      throw new IllegalArgumentException("uniform must be in [0, 1), got " + uniform);
    }
    long lifetime = lifetimeMillis(notBefore, notAfter);
    if (lifetime <= 0) {
      return earlier(notBefore, notAfter); // a certificate with no lifetime is due at once
    }
    double elapsed = 1 - renewBeforeFraction + jitterFraction * (2 * uniform - 1);
    return notBefore.plusMillis((long) Math.floor(lifetime * elapsed));
  }

  /** The instant from which a certificate still without a successor is reported overdue. */
  public Instant overdueAt(Instant notBefore, Instant notAfter) {
    long lifetime = lifetimeMillis(notBefore, notAfter);
    if (lifetime <= 0) {
      return earlier(notBefore, notAfter);
    }
    return notAfter.minusMillis((long) Math.floor(lifetime * overdueMarginFraction()));
  }

  /** Whether the certificate is due for renewal at {@code now}. */
  public boolean isDue(Instant notBefore, Instant notAfter, double uniform, Instant now) {
    return !now.isBefore(renewAt(notBefore, notAfter, uniform));
  }

  public RenewalWindow window(Instant notBefore, Instant notAfter, double uniform) {
    return new RenewalWindow(renewAt(notBefore, notAfter, uniform), overdueAt(notBefore, notAfter));
  }

  /**
   * The least time between renewal and expiry, for a certificate of this lifetime: how long the CA may be
   * away before a certificate expires.
   */
  public Duration shortestLead(Duration lifetime) {
    return Duration.ofMillis((long) Math.floor(lifetime.toMillis() * (renewBeforeFraction - jitterFraction)));
  }

  private double overdueMarginFraction() {
    return Math.min(OVERDUE_FRACTION, (renewBeforeFraction - jitterFraction) / 2);
  }

  // Milliseconds: a long holds ~292 million years of them, so no certificate's lifetime overflows, and X.509
  // times have whole seconds anyway.
  private static long lifetimeMillis(Instant notBefore, Instant notAfter) {
    return Duration.between(notBefore, notAfter).toMillis();
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}

package io.openservicemesh.testing;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Shared Tresor roots for tests. Each is made once per JVM, on first use, so classes that do not
 * need one do not pay for it (key generation is the slow part). All are ECDSA P-256: cheap, and the
 * mesh's default.
 *
 * <p>Two kinds: roots made "now" ({@link #ecRoot}, {@link #otherEcRoot}), for certificates that
 * openssl or a real clock must accept; and a root made at a fixed instant ({@link #fixedRoot}), for
 * tests whose hand-moved clocks start at fixed dates in 2026 or later.
 *
 * <p>The roots are made by the production {@link RootCertificateFactory}. CAs that must not be, because
 * they judge production code or stand in for another system's CA, are not here: the cert-manager tests'
 * {@code SigningCa} (made with BouncyCastle alone, signs requested keys, optionally through an
 * intermediate) and the Vault test server's {@code TestPkiMount}.
 */
public final class TestCa {

  /** OSM's default root lifetime, 87600h. */
  public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);

  /** The clock-skew allowance the shared "now" roots and their issuers are made with. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  /** When {@link #fixedRoot} was made; it is valid for {@link #ROOT_VALIDITY} from then, no backdating. */
  public static final Instant FIXED_ROOT_CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private TestCa() {}

  private static final class EcRoot {
    static final Instant CREATED_AT = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final CaBundle BUNDLE =
        RootCertificateFactory.create(KeySpec.ECDSA_P256, ROOT_VALIDITY, CREATED_AT, CLOCK_SKEW);
    static final String PEM = Pem.encode(BUNDLE.certificate());
  }

  private static final class OtherEcRoot {
    static final CaBundle BUNDLE =
        RootCertificateFactory.create(
            KeySpec.ECDSA_P256,
            ROOT_VALIDITY,
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            CLOCK_SKEW);
  }

  private static final class FixedRoot {
    static final CaBundle BUNDLE =
        RootCertificateFactory.create(
            KeySpec.ECDSA_P256, ROOT_VALIDITY, FIXED_ROOT_CREATED, Duration.ZERO);
  }

  /** The shared mesh root. */
  public static CaBundle ecRoot() {
    return EcRoot.BUNDLE;
  }

  /**
   * The "now" the shared root was made at (whole seconds); it is valid from this minus CLOCK_SKEW.
   */
  public static Instant ecRootCreatedAt() {
    return EcRoot.CREATED_AT;
  }

  public static String ecRootPem() {
    return EcRoot.PEM;
  }

  /** A second, unrelated root: for "wrong CA" and "key of another CA" cases. */
  public static CaBundle otherEcRoot() {
    return OtherEcRoot.BUNDLE;
  }

  /** An issuer signing with the shared root, on the given clock, with {@link #CLOCK_SKEW}. */
  public static TresorIssuer issuer(Clock clock) {
    return new TresorIssuer(ecRoot(), clock, CLOCK_SKEW);
  }

  /** An issuer signing with the shared root on the real clock (for certificates openssl checks). */
  public static TresorIssuer issuer() {
    return issuer(Clock.systemUTC());
  }

  /** A root valid for ten years from {@link #FIXED_ROOT_CREATED}, the same in every run. */
  public static CaBundle fixedRoot() {
    return FixedRoot.BUNDLE;
  }

  /**
   * Tresor signing with {@link #fixedRoot}, stamping certificates with the given clock and no
   * backdating, so that NotBefore is exactly the clock's time.
   */
  public static TresorIssuer fixedRootIssuer(Clock clock) {
    return fixedRootIssuer(clock, Duration.ZERO);
  }

  /** Tresor signing with {@link #fixedRoot}, backdating NotBefore by {@code skewAllowance}. */
  public static TresorIssuer fixedRootIssuer(Clock clock, Duration skewAllowance) {
    return new TresorIssuer(fixedRoot(), clock, skewAllowance);
  }
}

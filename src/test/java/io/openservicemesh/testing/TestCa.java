package io.openservicemesh.testing;

import io.openservicemesh.certificate.KeySpec;
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
 * need one do not pay for it. All are ECDSA P-256: cheap, and the mesh's default.
 */
public final class TestCa {

  /** OSM's default root lifetime, 87600h. */
  public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);

  /** The clock-skew allowance the shared roots and issuers are made with. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

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
}

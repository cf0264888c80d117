package io.openservicemesh.testing;

import io.openservicemesh.certificate.KeySpec;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A mesh root CA for tests, made once per JVM (key generation is the slow part), valid for ten years from
 * 2026: tests whose clocks start in 2026 or later can issue real leaf certificates with it.
 */
public final class TestCa {

  public static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private static final CaBundle ROOT =
      RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(3650), CREATED, Duration.ZERO);

  private TestCa() {}

  public static CaBundle root() {
    return ROOT;
  }

  /** Tresor signing with the test root, stamping certificates with the given clock and no backdating. */
  public static TresorIssuer issuer(Clock clock) {
    return new TresorIssuer(ROOT, clock, Duration.ZERO);
  }

  /** Tresor signing with the test root, backdating NotBefore by {@code skewAllowance}. */
  public static TresorIssuer issuer(Clock clock, Duration skewAllowance) {
    return new TresorIssuer(ROOT, clock, skewAllowance);
  }
}

package io.openservicemesh.metrics;

import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.TrustBundle;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The NotAfter of each root in the trust bundle. The bundle changes rarely and is scraped often, so it is parsed
 * again only when its PEM changed.
 */
final class RootExpiries {

  private final TrustBundle bundle;
  private volatile Parsed last = new Parsed("", List.of());

  private record Parsed(String pem, List<Instant> notAfters) {}

  RootExpiries(TrustBundle bundle) {
    this.bundle = bundle;
  }

  /** Empty while the control plane is not ready, or when the bundle cannot be read. */
  List<Instant> notAfters() {
    String pem;
    try {
      pem = bundle.pem();
    } catch (IssuanceException notReady) {
      return List.of();
    }
    Parsed parsed = last;
    if (!parsed.pem().equals(pem)) {
      parsed = new Parsed(pem, parse(pem));
      last = parsed;
    }
    return parsed.notAfters();
  }

  Optional<Instant> soonest() {
    return notAfters().stream().min(Instant::compareTo);
  }

  private static List<Instant> parse(String pem) {
    try {
      return Pem.decodeCertificates(pem).stream().map(X509Certificate::getNotAfter).map(d -> d.toInstant()).toList();
    } catch (Pem.PemException e) {
      // The rotation validated the bundle before publishing it; an unreadable one shows as no roots.
      return List.of();
    }
  }
}

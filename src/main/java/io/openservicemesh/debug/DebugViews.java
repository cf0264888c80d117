package io.openservicemesh.debug;

import io.openservicemesh.certificate.CachedCertificate;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.config.EffectiveSettings;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.Setting;
import io.openservicemesh.sds.StreamView;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The read-only debug views, each built from the public facts its source hands out: the certificate cache's
 * listing (no certificate object, so no key), the SDS streams' views (names and versions, no secret), the trust
 * bundle's certificates (public by nature) and the settings in force as shown everywhere else (secrets redacted).
 */
final class DebugViews {

  private final Supplier<List<CachedCertificate>> certificates;
  private final Supplier<List<StreamView>> streams;
  private final TrustBundle trustBundle;
  private final Supplier<Optional<MeshSettings>> settings;
  private final Function<Setting, String> origins;
  private final Clock clock;

  DebugViews(Supplier<List<CachedCertificate>> certificates, Supplier<List<StreamView>> streams,
      TrustBundle trustBundle, Supplier<Optional<MeshSettings>> settings, Function<Setting, String> origins,
      Clock clock) {
    this.certificates = certificates;
    this.streams = streams;
    this.trustBundle = trustBundle;
    this.settings = settings;
    this.origins = origins;
    this.clock = clock;
  }

  DebugTable certificates() {
    List<CachedCertificate> cached = certificates.get();
    DebugTable table = new DebugTable("cached certificates", "commonName", "type", "serial", "notBefore",
        "notAfter", "nextRenewal", "failedRenewals", "issuer")
        .summary("count", cached.size());
    String backend = settings.get().map(s -> s.certificateManager().configName()).orElse(null);
    for (CachedCertificate c : cached) {
      table.row(c.commonName(), kind(c.kind().name()), c.serialHex(), c.notBefore(), c.notAfter(),
          c.nextRenewal(), c.failedRenewals(), backend);
    }
    return table;
  }

  DebugTable streams() {
    List<StreamView> open = streams.get();
    DebugTable table = new DebugTable("SDS streams", "proxy", "identity", "protocol", "subscribed", "lastAcked",
        "lastNack", "closesAt")
        .summary("count", open.size());
    for (StreamView s : open) {
      table.row(s.proxy(), s.identity(), s.protocol(), s.subscribed(), s.lastAcked(), s.lastNack(), s.closeAt());
    }
    return table;
  }

  DebugTable trustBundle() {
    DebugTable table = new DebugTable("trust bundle", "subject", "serial", "notBefore", "notAfter", "daysLeft");
    List<X509Certificate> roots;
    try {
      roots = Pem.decodeCertificates(trustBundle.pem());
    } catch (IssuanceException e) {
      return table.summary("state", e.getMessage());
    } catch (Pem.PemException e) {
      return table.summary("state", "the trust bundle is not readable PEM: " + e.getMessage());
    }
    Instant now = clock.instant();
    table.summary("count", roots.size());
    for (X509Certificate root : roots) {
      Instant notAfter = root.getNotAfter().toInstant();
      table.row(root.getSubjectX500Principal().getName(), root.getSerialNumber().toString(16),
          root.getNotBefore().toInstant(), notAfter, Duration.between(now, notAfter).toDays());
    }
    return table;
  }

  DebugTable configuration() {
    DebugTable table = new DebugTable("configuration in force", "key", "value", "source", "change");
    Optional<MeshSettings> inForce = settings.get();
    if (inForce.isEmpty()) {
      return table.summary("state", "not started: the settings in force are known once the certificate authority"
          + " has started (see /health/ready)");
    }
    Map<Setting, String> values = EffectiveSettings.shownValues(inForce.get());
    values.forEach((setting, value) -> table.row(setting.key(), value, origins.apply(setting),
        setting.live() ? "live" : "at restart"));
    return table;
  }

  private static String kind(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

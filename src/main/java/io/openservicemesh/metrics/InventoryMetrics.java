package io.openservicemesh.metrics;

import io.openservicemesh.certificate.CertificateExpiries;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.RootStatus;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.certificate.tresor.RootRotation;
import io.openservicemesh.rotation.RotationStatus;
import io.openservicemesh.rotation.RotationView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Gauges of what is in service, read at each scrape: when the roots and the soonest certificate of each type
 * expire, and how many certificates are overdue. A value that does not exist yet (before the CA is up, or a type
 * with no certificate in service) reads NaN, which Prometheus treats as absent in comparisons, so no alert fires
 * on it.
 */
@ApplicationScoped
public class InventoryMetrics {

  /** The kinds the cache keeps; bootstrap certificates live in their pods' Secrets, not in the cache. */
  static final List<CertificateKind> CACHED_KINDS =
      List.of(CertificateKind.SERVICE, CertificateKind.MUTATING_WEBHOOK, CertificateKind.VALIDATING_WEBHOOK);

  @Inject MetricRegistry registry;
  @Inject TrustBundle trustBundle;
  @Inject CertificateExpiries inventory;
  @Inject RotationView rotation;
  @Inject RootStatus rootStatus;

  void register(@Observes Startup started) {
    RootExpiries roots = new RootExpiries(trustBundle);
    registry.gauge(Metadata.builder().withName("osm_root_certificate_expiry_timestamp_seconds")
        .withDescription("NotAfter of the soonest-expiring root in the trust bundle, in Unix seconds").build(),
        () -> roots.soonest().map(InventoryMetrics::epochSeconds).orElse(Double.NaN));
    registry.gauge(Metadata.builder().withName("osm_root_certificates")
        .withDescription("Roots in the trust bundle: more than one while a root is being replaced").build(),
        () -> roots.notAfters().size());
    Metadata expiry = Metadata.builder().withName("osm_certificate_expiry_timestamp_seconds")
        .withDescription("NotAfter of the soonest-expiring certificate in service of the type, in Unix seconds")
        .build();
    for (CertificateKind kind : CACHED_KINDS) {
      registry.gauge(expiry, () -> {
        Instant soonest = inventory.soonestExpiries().get(kind);
        return soonest == null ? Double.NaN : epochSeconds(soonest);
      }, Labels.type(kind));
    }
    Metadata phase = Metadata.builder().withName("osm_root_rotation_phase")
        .withDescription("1 for the phase a root rotation of the built-in CA is in, 0 for the others; all 0 when none is")
        .build();
    for (RootRotation.Phase each : RootRotation.Phase.values()) {
      registry.gauge(phase, () -> each.configName().equals(rootStatus.rootDetails().get("rootRotation")) ? 1 : 0,
          new Tag("phase", each.configName()));
    }
    registry.gauge(Metadata.builder().withName("osm_certificates_overdue")
        .withDescription("Certificates near or past expiry with no successor, as of the last rotation pass")
        .build(), () -> rotation.status().map(RotationStatus::overdue).map(report -> report.count()).orElse(0));
  }

  private static double epochSeconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }
}

package io.openservicemesh.metrics;

import io.openservicemesh.certificate.certmanager.CertManagerMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/** Issuance through cert-manager: how CertificateRequests ended, and how long they took. */
@ApplicationScoped
public class CertManagerMetrics implements CertManagerMeter {

  static final Metadata REQUESTS = Metadata.builder().withName("osm_certmanager_requests")
      .withDescription("Issuances through a cert-manager CertificateRequest, by outcome").build();
  static final Metadata DURATION = Metadata.builder().withName("osm_certmanager_request_duration")
      .withDescription("Time an issuance through cert-manager took, from key generation to its outcome").build();

  @Inject MetricRegistry registry;

  @Override
  public void ended(Outcome outcome, Duration took) {
    registry.counter(REQUESTS, new Tag("outcome", outcome.name().toLowerCase(Locale.ROOT))).inc();
    registry.timer(DURATION).update(took);
  }
}

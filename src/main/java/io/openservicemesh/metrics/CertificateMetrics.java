package io.openservicemesh.metrics;

import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.IssuanceMeter;
import io.openservicemesh.config.IssuerBackendKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Issuance and renewal counts and latencies, per certificate type and issuer backend, as the certificate cache
 * reports them through its {@link IssuanceMeter}.
 */
@ApplicationScoped
public class CertificateMetrics {

  static final Metadata ISSUED = Metadata.builder().withName("osm_certificates_issued")
      .withDescription("Certificates issued on first use (or again after expiry), by type, backend and result;"
          + " renewals are counted apart").build();
  static final Metadata RENEWALS = Metadata.builder().withName("osm_certificate_renewals")
      .withDescription("Renewals of certificates in service by the rotation, by type, backend and result").build();
  static final Metadata DURATION = Metadata.builder().withName("osm_certificate_issuance_duration")
      .withDescription("Time the issuer backend took to issue a certificate, success or failure, by type,"
          + " backend and purpose (request: first use; renewal)").build();

  @Inject MetricRegistry registry;

  /**
   * The meter of a certificate stack whose issuer is {@code backend}. Registers every series it can write at
   * zero, so a failure rate can be computed before the first failure.
   */
  public IssuanceMeter meterFor(IssuerBackendKind backend) {
    Tag backendTag = new Tag("backend", backend.configName());
    for (CertificateKind kind : CertificateKind.values()) {
      for (boolean succeeded : new boolean[] {true, false}) {
        registry.counter(ISSUED, Labels.type(kind), backendTag, Labels.result(succeeded));
        registry.counter(RENEWALS, Labels.type(kind), backendTag, Labels.result(succeeded));
      }
      registry.timer(DURATION, Labels.type(kind), backendTag, purpose(false));
      registry.timer(DURATION, Labels.type(kind), backendTag, purpose(true));
    }
    return new IssuanceMeter() {
      @Override
      public void issued(CertificateKind kind, Duration took, boolean succeeded) {
        registry.counter(ISSUED, Labels.type(kind), backendTag, Labels.result(succeeded)).inc();
        registry.timer(DURATION, Labels.type(kind), backendTag, purpose(false)).update(took);
      }

      @Override
      public void renewed(CertificateKind kind, Duration took, boolean succeeded) {
        registry.counter(RENEWALS, Labels.type(kind), backendTag, Labels.result(succeeded)).inc();
        registry.timer(DURATION, Labels.type(kind), backendTag, purpose(true)).update(took);
      }
    };
  }

  private static Tag purpose(boolean renewal) {
    return new Tag("purpose", renewal ? "renewal" : "request");
  }
}

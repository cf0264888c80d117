package io.openservicemesh.health;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.ServingCertificates;
import io.openservicemesh.status.DetailedHealthCheck;
import io.openservicemesh.tls.ServedCertificateProbe;
import io.openservicemesh.tls.TlsEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once every TLS endpoint (webhooks, config validator, SDS) handshakes with the current serving
 * certificate. The endpoints open a moment after the CA is up, when Liberty has read the stores the control
 * plane wrote; a client let in before that fails its handshake. Each endpoint is probed until it presents the
 * current certificate, and again only after that certificate is renewed: while Liberty reloads the store (about a
 * second), the endpoint still serves the previous certificate, which is valid for a third of its life yet, so
 * readiness stays UP and a replica does not leave its Services on every renewal.
 */
@Readiness
@ApplicationScoped
public class TlsEndpointsHealthCheck extends DetailedHealthCheck {

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  @Inject ServingCertificates serving;
  @Inject Clock clock;

  private final ServedCertificateProbe probe = new ServedCertificateProbe(PROBE_TIMEOUT);
  private final List<TlsEndpoint> endpoints = TlsEndpoint.configured(
      name -> ConfigProvider.getConfig().getOptionalValue(name, String.class));
  /** The certificate each endpoint was last seen presenting, once it was the current one. */
  private final Map<String, X509Certificate> verified = new ConcurrentHashMap<>();

  @Override
  public HealthCheckResponse detailed() {
    Map<CertificateKind, Certificate> current;
    try {
      current = currentByKind();
    } catch (IssuanceException notReady) {
      return HealthCheckResponse.named("tls-endpoints").down().withData("reason", notReady.getMessage()).build();
    }
    HealthCheckResponseBuilder response = HealthCheckResponse.named("tls-endpoints");
    List<String> waiting = new ArrayList<>();
    Instant now = clock.instant();
    for (TlsEndpoint endpoint : endpoints) {
      String expected = current.get(endpoint.presents()).serialHex();
      X509Certificate last = verified.get(endpoint.name());
      if (last == null || !expected.equals(ServedCertificateProbe.serialOf(last))) {
        Optional<X509Certificate> served = probe.servedAt(endpoint.port());
        if (served.map(ServedCertificateProbe::serialOf).filter(expected::equals).isPresent()) {
          verified.put(endpoint.name(), served.get());
        } else if (!stillServingValid(last, served, now)) {
          waiting.add(endpoint.name() + " (port " + endpoint.port() + ": "
              + served.map(c -> "serves serial " + ServedCertificateProbe.serialOf(c) + ", not yet " + expected)
                  .orElse("not open") + ")");
        }
      }
      response.withData(endpoint.name() + "Port", endpoint.port());
    }
    if (!waiting.isEmpty()) {
      return response.down().withData("reason", "waiting for " + String.join(", ", waiting)).build();
    }
    return response.up().build();
  }

  /** After its first good handshake, an endpoint reloading a renewed store still serves the previous one. */
  private static boolean stillServingValid(X509Certificate last, Optional<X509Certificate> served, Instant now) {
    return last != null && served.filter(c -> c.equals(last))
        .filter(c -> now.isBefore(c.getNotAfter().toInstant())).isPresent();
  }

  private Map<CertificateKind, Certificate> currentByKind() throws IssuanceException {
    Map<CertificateKind, Certificate> current = new java.util.EnumMap<>(CertificateKind.class);
    for (CertificateSpec spec : serving.specs()) {
      current.put(spec.kind(), serving.current(spec));
    }
    return current;
  }
}

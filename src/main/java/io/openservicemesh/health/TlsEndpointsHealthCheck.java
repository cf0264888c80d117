package io.openservicemesh.health;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.ServingCertificates;
import io.openservicemesh.tls.ServedCertificateProbe;
import io.openservicemesh.tls.TlsEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once every TLS endpoint (webhooks, config validator, SDS) handshakes with the current serving
 * certificate. The endpoints open a moment after the CA is up, when Liberty has read the stores the control
 * plane wrote; a client let in before that fails its handshake. Each endpoint is probed until it presents the
 * current certificate and again only after that certificate is renewed, so a ready replica costs no handshakes.
 */
@Readiness
@ApplicationScoped
public class TlsEndpointsHealthCheck implements HealthCheck {

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  @Inject ServingCertificates serving;

  private final ServedCertificateProbe probe = new ServedCertificateProbe(PROBE_TIMEOUT);
  private final List<TlsEndpoint> endpoints = TlsEndpoint.configured(
      name -> ConfigProvider.getConfig().getOptionalValue(name, String.class));
  /** Serial each endpoint was last seen presenting, when it was the current one. */
  private final Map<String, String> verified = new ConcurrentHashMap<>();

  @Override
  public HealthCheckResponse call() {
    Map<CertificateKind, Certificate> current;
    try {
      current = currentByKind();
    } catch (IssuanceException notReady) {
      return HealthCheckResponse.named("tls-endpoints").down().withData("reason", notReady.getMessage()).build();
    }
    HealthCheckResponseBuilder response = HealthCheckResponse.named("tls-endpoints");
    List<String> waiting = new ArrayList<>();
    for (TlsEndpoint endpoint : endpoints) {
      String expected = current.get(endpoint.presents()).serialHex();
      if (!expected.equals(verified.get(endpoint.name()))) {
        Optional<String> served = probe.servedAt(endpoint.port()).map(ServedCertificateProbe::serialOf);
        if (served.filter(expected::equals).isPresent()) {
          verified.put(endpoint.name(), expected);
        } else {
          waiting.add(endpoint.name() + " (port " + endpoint.port() + ": "
              + served.map(serial -> "serves serial " + serial + ", not yet " + expected).orElse("not open yet")
              + ")");
        }
      }
      response.withData(endpoint.name() + "Port", endpoint.port());
    }
    if (!waiting.isEmpty()) {
      return response.down().withData("reason", "waiting for " + String.join(", ", waiting)).build();
    }
    return response.up().build();
  }

  private Map<CertificateKind, Certificate> currentByKind() throws IssuanceException {
    Map<CertificateKind, Certificate> current = new java.util.EnumMap<>(CertificateKind.class);
    for (CertificateSpec spec : serving.specs()) {
      current.put(spec.kind(), serving.current(spec));
    }
    return current;
  }
}

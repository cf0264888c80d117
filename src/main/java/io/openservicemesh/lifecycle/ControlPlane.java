package io.openservicemesh.lifecycle;

import io.openservicemesh.certificate.CertificateManager;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.ConfigProblem;
import io.openservicemesh.config.MeshSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the control plane stands: what start-up achieved, and the pieces it made (the certificate manager
 * and the certificate shapes) for every consumer. Written by {@link ControlPlaneStartup}, read by the health
 * checks and, through {@link #certificates()}, by SDS and the webhooks.
 */
@ApplicationScoped
public class ControlPlane {

  /** The stages of start-up. Only READY issues certificates. */
  public enum Phase { STARTING, INVALID_CONFIGURATION, CA_UNAVAILABLE, READY }

  /**
   * @param reason why the control plane is not ready; empty when READY
   * @param details facts for the readiness report (CA location, serial, expiry; or retry count)
   */
  public record Status(Phase phase, String reason, Map<String, String> details) {
    public Status {
      details = Map.copyOf(details);
    }
  }

  /** What a ready control plane offers its consumers. */
  public record Certificates(MeshSettings settings, MeshCertificateSpecs specs, CertificateManager manager) {}

  private volatile Status status = new Status(Phase.STARTING, "start-up has not finished", Map.of());
  private volatile List<ConfigProblem> configurationProblems = List.of();
  private volatile Certificates certificates;
  private volatile Instant lastHeartbeat;

  public Status status() {
    return status;
  }

  public List<ConfigProblem> configurationProblems() {
    return configurationProblems;
  }

  /** Present once the CA is up. */
  public Optional<Certificates> certificates() {
    return Optional.ofNullable(certificates);
  }

  public Optional<Instant> lastHeartbeat() {
    return Optional.ofNullable(lastHeartbeat);
  }

  void configurationInvalid(List<ConfigProblem> problems) {
    configurationProblems = List.copyOf(problems);
    status = new Status(Phase.INVALID_CONFIGURATION,
        "not started: the configuration is invalid (" + problems.size() + " problem(s), see the configuration check)",
        Map.of());
  }

  void caUnavailable(String reason, Map<String, String> details) {
    status = new Status(Phase.CA_UNAVAILABLE, reason, details);
  }

  void ready(Certificates ready, Map<String, String> caDetails) {
    certificates = ready;
    status = new Status(Phase.READY, "", caDetails);
  }

  /**
   * A change of the live configuration (the osm-config ConfigMap): the same CA and certificate manager, with the
   * new settings and certificate shapes, so the next issuance and the next injection use them. Certificates
   * already issued keep their shape until they are renewed.
   */
  public void applyLiveSettings(MeshSettings settings) {
    Certificates current = certificates;
    if (current == null) {
      return;
    }
    certificates = new Certificates(settings, new MeshCertificateSpecs(
        settings.trustDomain(), settings.osmNamespace(), settings.serviceCertValidity(), settings.certKey()),
        current.manager());
  }

  void heartbeat(Instant now) {
    lastHeartbeat = now;
  }
}

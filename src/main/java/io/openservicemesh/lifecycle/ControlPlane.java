package io.openservicemesh.lifecycle;

import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.ConfigProblem;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.rotation.RotationAnnouncer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
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

  /**
   * What a ready control plane offers its consumers.
   *
   * @param settings the settings in force: those a running control plane cannot follow as it started, the
   *     others (validity, key, renewal policy, injection) as last changed; see {@link SettingsFollower}
   * @param specs the certificate shapes in force: their validity and key follow setting changes at run time
   * @param announcer tells subscribers of every certificate the manager replaces
   */
  public record Certificates(
      MeshSettings settings, MeshCertificateSpecs specs, CertificateCache manager, RotationAnnouncer announcer) {

    Certificates withSettings(MeshSettings inForce, MeshCertificateSpecs current) {
      return new Certificates(inForce, current, manager, announcer);
    }
  }

  /** Expected time between heartbeats before the rotation timer says otherwise. */
  static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

  private volatile Status status = new Status(Phase.STARTING, "start-up has not finished", Map.of());
  private volatile List<ConfigProblem> configurationProblems = List.of();
  private volatile Certificates certificates;
  private volatile Rotation rotation;
  private volatile Instant lastHeartbeat;
  private volatile Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

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

  /** Present once the CA is up, with {@link #certificates()}. */
  public Optional<Rotation> rotation() {
    return Optional.ofNullable(rotation);
  }

  public Optional<Instant> lastHeartbeat() {
    return Optional.ofNullable(lastHeartbeat);
  }

  /** How often a heartbeat is expected: every rotation pass. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
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

  void ready(Certificates ready, Rotation running, Map<String, String> caDetails) {
    certificates = ready;
    rotation = running;
    status = new Status(Phase.READY, "", caDetails);
  }

  /**
   * The settings in force changed (see {@link SettingsFollower}): the same CA, certificate manager and
   * announcer, with these settings and certificate shapes, so the next issuance, renewal and injection use
   * them. Certificates already issued keep their shape until they are renewed.
   */
  void settingsChanged(MeshSettings inForce, MeshCertificateSpecs specs) {
    certificates = certificates.withSettings(inForce, specs);
  }

  void heartbeat(Instant now) {
    lastHeartbeat = now;
  }

  void heartbeatEvery(Duration interval) {
    heartbeatInterval = interval;
  }
}

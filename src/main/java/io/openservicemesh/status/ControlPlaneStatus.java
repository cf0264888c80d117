package io.openservicemesh.status;

import io.openservicemesh.config.ConfigProblem;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the control plane stands: what start-up achieved, the configuration's problems, and the rotation's
 * heartbeat. Written by start-up and the rotation timer, read by the health checks and by whoever must say why
 * it cannot answer yet.
 */
@ApplicationScoped
public class ControlPlaneStatus {

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

  /** Expected time between heartbeats before the rotation timer says otherwise. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

  private volatile Status status = new Status(Phase.STARTING, "start-up has not finished", Map.of());
  private volatile List<ConfigProblem> configurationProblems = List.of();
  private volatile Instant lastHeartbeat;
  private volatile Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

  public Status status() {
    return status;
  }

  /** Why nothing can be issued yet, for an answer that must refuse; empty when ready. */
  public String notReadyReason() {
    return status.reason();
  }

  public List<ConfigProblem> configurationProblems() {
    return configurationProblems;
  }

  public Optional<Instant> lastHeartbeat() {
    return Optional.ofNullable(lastHeartbeat);
  }

  /** How often a heartbeat is expected: every rotation pass. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public void configurationInvalid(List<ConfigProblem> problems) {
    configurationProblems = List.copyOf(problems);
    status = new Status(Phase.INVALID_CONFIGURATION,
        "not started: the configuration is invalid (" + problems.size() + " problem(s), see the configuration check)",
        Map.of());
  }

  public void caUnavailable(String reason, Map<String, String> details) {
    status = new Status(Phase.CA_UNAVAILABLE, reason, details);
  }

  public void ready(Map<String, String> caDetails) {
    status = new Status(Phase.READY, "", caDetails);
  }

  public void heartbeat(Instant now) {
    lastHeartbeat = now;
  }

  public void heartbeatEvery(Duration interval) {
    heartbeatInterval = interval;
  }
}

package io.openservicemesh.health;

import io.openservicemesh.status.ControlPlaneStatus;
import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while rotation passes run: every pass of the rotation timer (an EJB timer) records a heartbeat, and
 * certificates that are not renewed are the outage a restart can prevent. A wedged timer service or a pass
 * that keeps failing is fixed by a restart. The Kubernetes API being away is deliberately not a liveness
 * failure: restarting would not bring it back.
 */
@Liveness
@ApplicationScoped
public class TimerLivenessCheck extends DetailedHealthCheck {

  /** Silence tolerated at least (twelve passes at the default 5 s), so a slow pass or GC pause is no death. */
  static final Duration MIN_TOLERATED_SILENCE = Duration.ofSeconds(60);
  /** Missed passes tolerated when the interval is long. */
  static final int MISSED_PASSES = 3;

  @Inject ControlPlaneStatus controlPlane;
  @Inject Clock clock;

  @Override
  public HealthCheckResponse detailed() {
    Optional<Instant> last = controlPlane.lastHeartbeat();
    Instant now = clock.instant();
    if (last.isEmpty()) {
      // No heartbeat yet: the configuration is invalid (nothing to drive) or the first tick is pending.
      return HealthCheckResponse.named("timers").up().withData("lastHeartbeat", "none yet").build();
    }
    Duration silence = Duration.between(last.get(), now);
    return HealthCheckResponse.named("timers")
        .status(silence.compareTo(toleratedSilence(controlPlane.heartbeatInterval())) <= 0)
        .withData("lastHeartbeat", last.get().toString())
        .withData("silenceSeconds", silence.toSeconds())
        .build();
  }

  static Duration toleratedSilence(Duration heartbeatInterval) {
    Duration missed = heartbeatInterval.multipliedBy(MISSED_PASSES);
    return missed.compareTo(MIN_TOLERATED_SILENCE) > 0 ? missed : MIN_TOLERATED_SILENCE;
  }
}

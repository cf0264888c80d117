package io.openservicemesh.health;

import io.openservicemesh.lifecycle.ControlPlane;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the EJB timer service runs callbacks: start-up retries (and certificate rotation) depend on it,
 * and a wedged timer service is fixed by a restart. The Kubernetes API being away is deliberately not a
 * liveness failure: restarting would not bring it back.
 */
@Liveness
@ApplicationScoped
public class TimerLivenessCheck implements HealthCheck {

  /** Six missed heartbeats (every 10 s) before the control plane calls itself dead. */
  static final Duration MAX_SILENCE = Duration.ofSeconds(60);

  @Inject ControlPlane controlPlane;
  @Inject Clock clock;

  @Override
  public HealthCheckResponse call() {
    Optional<Instant> last = controlPlane.lastHeartbeat();
    Instant now = clock.instant();
    if (last.isEmpty()) {
      // No heartbeat yet: the configuration is invalid (nothing to drive) or the first tick is pending.
      return HealthCheckResponse.named("timers").up().withData("lastHeartbeat", "none yet").build();
    }
    Duration silence = Duration.between(last.get(), now);
    return HealthCheckResponse.named("timers")
        .status(silence.compareTo(MAX_SILENCE) <= 0)
        .withData("lastHeartbeat", last.get().toString())
        .withData("silenceSeconds", silence.toSeconds())
        .build();
  }
}

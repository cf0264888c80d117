package io.openservicemesh.lifecycle;

import io.openservicemesh.schedule.EjbTimers;
import io.openservicemesh.certificate.TrustBundleChanged;
import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.MeshConfiguration;
import io.openservicemesh.config.ParseResult;
import io.openservicemesh.status.ControlPlaneStatus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerService;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives rotation: a non-persistent EJB interval timer runs a pass every
 * {@code OpenServiceMesh.rotationCheckInterval}. Each pass first follows the settings through
 * {@link SettingsFollower} (a changed validity, key algorithm or renewal policy applies from the next renewal
 * on), then lets the rotator claim what is due and follow the issuer's roots, announcing a changed trust
 * bundle as {@link TrustBundleChanged}, and finally records a heartbeat: liveness means "rotation runs". A pass that throws records none,
 * so a rotation that keeps failing turns liveness DOWN and the control plane gets restarted.
 */
@Singleton
@Startup
public class RotationTimer {

  private static final Logger LOG = Logger.getLogger(RotationTimer.class.getName());

  @Inject MeshConfiguration configuration;
  @Inject ControlPlaneStatus controlPlane;
  @Inject RunningControlPlane running;
  @Inject SettingsFollower settings;
  @Inject Event<TrustBundleChanged> trustBundleChanged;
  @Inject Clock clock;
  @Resource TimerService timers;

  @PostConstruct
  void begin() {
    ParseResult parsed = configuration.current();
    if (!parsed.isValid()) {
      return; // nothing will be issued, so nothing to rotate; start-up reports the problems
    }
    Duration interval = parsed.orElseThrow().rotation().checkInterval();
    controlPlane.heartbeatEvery(interval);
    EjbTimers.every(timers, interval, "rotation");
    LOG.info(() -> "certificate rotation checks every " + GoDuration.format(interval));
  }

  @PreDestroy
  void stop() {
    EjbTimers.cancelAll(timers);
  }

  @Timeout
  void pass(Timer timer) {
    passNow();
  }

  /** A pass out of turn, when the roots changed: what follows from it should not wait for the next tick. */
  public void passNow() {
    try {
      Optional<CertificateStack> stack = running.stack();
      if (stack.isPresent()) {
        settings.follow();
        stack.get().rotator().runPass(stack.get().specs()).trustBundleChanged().ifPresent(this::announce);
      }
      controlPlane.heartbeat(clock.instant());
    } catch (RuntimeException e) {
      // Not rethrown: the container would retry the callback at once. The missing heartbeat is the signal.
      LOG.log(Level.SEVERE, "the rotation pass failed; liveness turns DOWN if this keeps happening", e);
    }
  }

  /** An observer's failure is its own: the pass ran, and the next change will be announced again. */
  private void announce(TrustBundleChanged change) {
    try {
      trustBundleChanged.fire(change);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "an observer of the trust bundle failed", e);
    }
  }
}

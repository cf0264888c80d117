package io.openservicemesh.lifecycle;

import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.MeshConfiguration;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.ParseResult;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives rotation: a non-persistent EJB interval timer runs a pass every
 * {@code OpenServiceMesh.rotationCheckInterval}. Each pass first re-reads the settings (a changed validity,
 * key algorithm or renewal policy applies from the next renewal on), then lets the rotator claim what is
 * due, and finally records a heartbeat: liveness means "rotation runs". A pass that throws records none,
 * so a rotation that keeps failing turns liveness DOWN and the control plane gets restarted.
 */
@Singleton
@Startup
public class RotationTimer {

  private static final Logger LOG = Logger.getLogger(RotationTimer.class.getName());

  @Inject MeshConfiguration configuration;
  @Inject ControlPlane controlPlane;
  @Inject Clock clock;
  @Resource TimerService timers;

  private MeshSettings startup;
  private MeshSettings followed;

  @PostConstruct
  void begin() {
    ParseResult parsed = configuration.current();
    if (!parsed.isValid()) {
      return; // nothing will be issued, so nothing to rotate; start-up reports the problems
    }
    startup = parsed.orElseThrow();
    followed = startup;
    Duration interval = startup.rotation().checkInterval();
    controlPlane.heartbeatEvery(interval);
    timers.createIntervalTimer(interval.toMillis(), interval.toMillis(), new TimerConfig("rotation", false));
    LOG.info(() -> "certificate rotation checks every " + GoDuration.format(interval));
  }

  @PreDestroy
  void stop() {
    for (Timer timer : timers.getTimers()) {
      try {
        timer.cancel();
      } catch (RuntimeException alreadyGone) {
        // Expired or cancelled meanwhile.
      }
    }
  }

  @Timeout
  void pass(Timer timer) {
    try {
      Optional<Rotation> rotation = controlPlane.rotation();
      if (rotation.isPresent()) {
        followSettings(rotation.get());
        rotation.get().rotator().runPass(controlPlane.certificates().orElseThrow().specs());
      }
      controlPlane.heartbeat(clock.instant());
    } catch (RuntimeException e) {
      // Not rethrown: the container would retry the callback at once. The missing heartbeat is the signal.
      LOG.log(Level.SEVERE, "the rotation pass failed; liveness turns DOWN if this keeps happening", e);
    }
  }

  private void followSettings(Rotation rotation) {
    ParseResult fresh = configuration.refresh();
    if (!fresh.isValid()) {
      return; // refresh() logged the problems once; the settings in force stay
    }
    MeshSettings current = fresh.orElseThrow();
    if (current.equals(followed)) {
      return;
    }
    List<String> needRestart = RestartOnlySettings.changed(followed, current);
    followed = current;
    controlPlane.specsChanged(CertificateStack.specsOf(startup, current));
    rotation.timing().setPolicy(CertificateStack.policyOf(current));
    LOG.info(() -> "renewals from now on issue service certificates for "
        + GoDuration.format(current.serviceCertValidity()) + " and internal ones for "
        + GoDuration.format(current.internalCertValidity()) + " with " + current.certKey() + " keys, "
        + rotation.timing().policy());
    if (!needRestart.isEmpty()) {
      LOG.warning("changed settings " + needRestart + " take effect only after a restart");
    }
  }
}

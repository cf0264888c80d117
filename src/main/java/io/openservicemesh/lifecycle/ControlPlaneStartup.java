package io.openservicemesh.lifecycle;

import io.openservicemesh.schedule.EjbTimers;
import io.openservicemesh.certificate.StartupException;
import io.openservicemesh.certificate.StartedIssuer;
import io.openservicemesh.certificate.IssuerBackend;
import io.openservicemesh.certificate.FailureReportingIssuer;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.config.MeshConfiguration;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.ParseResult;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.crypto.CorrettoProviderLoader;
import io.openservicemesh.crypto.CryptoProviderSelection;
import io.openservicemesh.crypto.CryptoProviderSelector;
import io.openservicemesh.crypto.CryptoProviderUnavailableException;
import io.openservicemesh.crypto.NativeProviderLoader;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.status.ControlPlaneReady;
import io.openservicemesh.status.ControlPlaneStatus;
import io.openservicemesh.metrics.CertificateMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerService;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings the control plane up: validates the configuration, then starts the configured issuer on an EJB
 * timer thread so the server itself starts at once, and with it the certificate manager, rotation and the
 * webhooks' serving certificates. A failed start (API server away, a broken CA Secret)
 * is retried with backoff while readiness says why; an operator's fix is picked up without a restart.
 * Invalid configuration stops here: nothing half-starts.
 */
@Singleton
@Startup
public class ControlPlaneStartup {

  private static final Logger LOG = Logger.getLogger(ControlPlaneStartup.class.getName());
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Inject MeshConfiguration configuration;
  @Inject @Any Instance<IssuerBackend> backends;
  @Inject ControlPlaneStatus controlPlane;
  @Inject RunningControlPlane running;
  @Inject SettingsFollower settingsFollower;
  @Inject Event<ControlPlaneReady> readyEvent;
  @Inject CertificateMetrics certificateMetrics;
  @Inject Clock clock;
  @Inject EventRecorder events;
  @Resource TimerService timers;

  private final NativeProviderLoader nativeCryptoProvider = new CorrettoProviderLoader();

  private MeshSettings settings;
  private CryptoProviderSelection crypto;
  private int failedAttempts;
  private CertificateStack stack;

  @PostConstruct
  void begin() {
    ParseResult parsed = configuration.current();
    if (!parsed.isValid()) {
      controlPlane.configurationInvalid(parsed.problems());
      LOG.severe("osm-controller will not start its certificate authority: the configuration has "
          + parsed.problems().size() + " problem(s), each logged above. Fix them and restart.");
      return;
    }
    settings = parsed.orElseThrow();
    controlPlane.heartbeat(clock.instant());
    try {
      crypto = new CryptoProviderSelector(nativeCryptoProvider).select(settings.cryptoProvider());
    } catch (CryptoProviderUnavailableException e) {
      // Not retried: the platform or the image decides, and neither changes while the server runs.
      controlPlane.caUnavailable(e.getMessage(), Map.of());
      LOG.severe(e.getMessage());
      return;
    }
    scheduleIssuerStart(Duration.ZERO);
  }

  /**
   * A pending start must not fire into an application that is stopping; renewal workers and announcement
   * deliveries stop with it.
   */
  @PreDestroy
  void stop() {
    EjbTimers.cancelAll(timers);
    if (stack != null) {
      stack.close();
    }
  }

  @Timeout
  void startIssuer(Timer timer) {
    Optional<IssuerBackend> backend = backendFor(settings);
    if (backend.isEmpty()) {
      String reason = "OpenServiceMesh.certificateManager is " + settings.certificateManager().configName()
          + ", but this build has no issuer of that kind; use tresor";
      controlPlane.caUnavailable(reason, Map.of());
      LOG.severe(reason);
      return;
    }
    try {
      StartedIssuer started = backend.get().start(settings, crypto.provider());
      FailureReportingIssuer issuer = new FailureReportingIssuer(
          started.issuer(), settings.certificateManager().configName(), events);
      CertificateStack built = CertificateStack.build(settings,
          new StartedIssuer(issuer, started.ca(), started.upkeep(), started.roots()),
          certificateMetrics.meterFor(settings.certificateManager()), clock);
      Map<String, String> webhookSerials;
      try {
        webhookSerials = built.issueServingCertificates();
      } catch (IssuanceException | RuntimeException e) {
        built.close();
        throw new StartupException(
            "cannot issue the admission webhooks' serving certificates: " + e.getMessage(), true, e);
      }
      stack = built;
      settingsFollower.started(settings);
      running.started(built);
      controlPlane.ready(readinessDetails(started));
      announceReady();
      LOG.info(() -> "osm-controller is ready: certificate manager " + settings.certificateManager().configName()
          + ", CA " + started.caDetails() + ", webhook certificates " + webhookSerials);
      failedAttempts = 0;
    } catch (StartupException e) {
      onStartFailure(e);
    } catch (RuntimeException e) {
      onStartFailure(new StartupException("unexpected failure starting the issuer: " + e, true, e));
    }
  }

  /**
   * Tells the consumers that need the certificates before any request arrives (the TLS endpoints, SDS
   * pushes). A consumer's failure is its own and is not a failed start: the CA is up and rotation runs, and
   * starting again would build a second certificate stack beside the running one.
   */
  private void announceReady() {
    try {
      readyEvent.fire(new ControlPlaneReady());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "a consumer of the ready control plane failed", e);
    }
  }

  /** The CA's details and the crypto provider in use, for readiness. */
  private Map<String, String> readinessDetails(StartedIssuer started) {
    Map<String, String> details = new LinkedHashMap<>(started.caDetails());
    details.putAll(crypto.details());
    return details;
  }

  private void onStartFailure(StartupException e) {
    failedAttempts++;
    Map<String, String> details = new LinkedHashMap<>(crypto.details());
    details.put("failedAttempts", Integer.toString(failedAttempts));
    if (!e.retryable()) {
      controlPlane.caUnavailable(e.getMessage(), details);
      LOG.severe(e.getMessage());
      return;
    }
    Duration wait = BACKOFF.delay(failedAttempts - 1, ThreadLocalRandom.current().nextDouble());
    details.put("nextAttemptInMillis", Long.toString(wait.toMillis()));
    controlPlane.caUnavailable(e.getMessage(), details);
    LOG.warning(() -> "certificate authority not started (attempt " + failedAttempts + ", next in "
        + wait.toMillis() + " ms): " + e.getMessage());
    scheduleIssuerStart(wait);
  }

  private void scheduleIssuerStart(Duration delay) {
    EjbTimers.once(timers, delay, "start-issuer");
  }

  private Optional<IssuerBackend> backendFor(MeshSettings settings) {
    return backends.stream().filter(b -> b.kind() == settings.certificateManager()).findFirst();
  }
}

package io.openservicemesh.webhook;

import io.kubernetes.client.openapi.ApiClient;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.injector.InjectorWebhookConfiguration;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.KubernetesConnection.Connected;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.lifecycle.ControlPlane;
import io.openservicemesh.lifecycle.ControlPlaneReady;
import io.openservicemesh.lifecycle.TrustedRootsChanged;
import io.openservicemesh.validator.ValidatorWebhookConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Keeps the webhook configurations' caBundle equal to the mesh roots, on an EJB timer: at start-up (once the CA
 * is ready), at once when {@link #caChanged()} is called, and every {@link #RECHECK} after that, which also
 * repairs a bundle that an installer reset (a Helm upgrade re-applying an empty caBundle). Failures retry with
 * backoff; the control plane keeps serving meanwhile.
 */
@Singleton
public class WebhookRegistrations {

  private static final Logger LOG = Logger.getLogger(WebhookRegistrations.class.getName());
  static final Duration RECHECK = Duration.ofSeconds(60);
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Inject ControlPlane controlPlane;
  @Inject KubernetesApi kubernetes;
  @Resource TimerService timers;

  private int failedAttempts;
  private boolean standaloneLogged;

  public void onReady(@Observes ControlPlaneReady ready) {
    schedule(Duration.ZERO);
  }

  /** For the rotation: the mesh roots changed, bring the caBundles along now rather than at the next check. */
  public void caChanged() {
    schedule(Duration.ZERO);
  }

  /** The rotation pass saw the issuer's trusted roots change. */
  public void onRootsChanged(@Observes TrustedRootsChanged changed) {
    caChanged();
  }

  @Timeout
  void reconcile(Timer timer) {
    Optional<ControlPlane.Certificates> certificates = controlPlane.certificates();
    if (certificates.isEmpty()) {
      return;
    }
    Optional<Connected> connection;
    try {
      connection = kubernetes.connection();
    } catch (RuntimeException e) {
      onFailure("cannot connect to the Kubernetes API: " + e.getMessage());
      return;
    }
    if (connection.isEmpty()) {
      if (!standaloneLogged) {
        standaloneLogged = true;
        LOG.info("no Kubernetes API (standalone): webhook configurations are not managed");
      }
      return;
    }
    String roots = certificates.get().manager().trustedCasPem();
    try {
      for (Map.Entry<String, CaBundleRegistration> registration :
          registrations(connection.get().client(), certificates.get().settings()).entrySet()) {
        registration.getValue().reconcile(registration.getKey(), roots);
      }
      failedAttempts = 0;
      schedule(RECHECK);
    } catch (WebhookApiException e) {
      onFailure(e.getMessage());
    }
  }

  /** Configuration name to its registration: the injector's and the config validator's. */
  private static Map<String, CaBundleRegistration> registrations(ApiClient client, MeshSettings settings) {
    Map<String, CaBundleRegistration> registrations = new LinkedHashMap<>();
    String osmNamespace = settings.osmNamespace();
    registrations.put(settings.webhooks().mutatingConfigurationName(osmNamespace),
        new CaBundleRegistration(KubernetesWebhookConfigurations.mutating(client,
            (name, roots) -> InjectorWebhookConfiguration.template(name, osmNamespace, roots))));
    registrations.put(settings.webhooks().validatingConfigurationName(osmNamespace),
        new CaBundleRegistration(KubernetesWebhookConfigurations.validating(client,
            (name, roots) -> ValidatorWebhookConfiguration.template(name, osmNamespace, roots))));
    return registrations;
  }

  private void onFailure(String reason) {
    Duration wait = BACKOFF.delay(failedAttempts++, ThreadLocalRandom.current().nextDouble());
    LOG.warning(() -> "webhook caBundle not updated (attempt " + failedAttempts + ", next in " + wait.toMillis()
        + " ms): " + reason);
    schedule(wait);
  }

  /** At most one pending check: a new schedule replaces the old. */
  private void schedule(Duration delay) {
    cancelPending();
    timers.createSingleActionTimer(delay.toMillis(), new TimerConfig("webhook-ca-bundles", false));
  }

  @PreDestroy
  void cancelPending() {
    for (Timer timer : timers.getTimers()) {
      try {
        timer.cancel();
      } catch (RuntimeException alreadyGone) {
        // Expired or cancelled meanwhile.
      }
    }
  }
}

package io.openservicemesh.webhook;

import io.openservicemesh.schedule.EjbTimers;
import io.kubernetes.client.openapi.ApiClient;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.certificate.TrustBundleChanged;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.KubernetesConnection.Connected;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.LocalBean;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the webhook configurations' caBundle equal to the mesh roots, on an EJB timer: at start-up (once the CA
 * is ready), at once when the trust bundle changes, and every {@link #RECHECK} after that, which also
 * repairs a bundle that an installer reset (a Helm upgrade re-applying an empty caBundle). Failures retry with
 * backoff; the control plane keeps serving meanwhile.
 */
@Singleton
@LocalBean // implementing an interface would otherwise hide the no-interface view its observers need
public class WebhookRegistrations implements RootDistribution {

  private static final Logger LOG = Logger.getLogger(WebhookRegistrations.class.getName());
  static final Duration RECHECK = Duration.ofSeconds(60);
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Inject SettingsInForce settings;
  @Inject TrustBundle trustBundle;
  @Inject @Any Instance<RegisteredWebhook> webhooks;
  @Inject KubernetesApi kubernetes;
  @Resource TimerService timers;

  private int failedAttempts;
  private boolean standaloneLogged;
  /** The bundle every configuration was last brought to, and why the last attempt failed: a rotation's evidence. */
  private volatile String reconciledRoots;
  private volatile String lastFailure;

  public void onReady(@Observes ControlPlaneReady ready) {
    schedule(Duration.ZERO);
  }

  /** The mesh roots changed: the caBundles follow now rather than at the next check. */
  public void onTrustBundleChanged(@Observes TrustBundleChanged changed) {
    schedule(Duration.ZERO);
  }

  @Timeout
  void reconcile(Timer timer) {
    Optional<MeshSettings> inForce = settings.current();
    if (inForce.isEmpty()) {
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
    String roots;
    try {
      roots = trustBundle.pem();
    } catch (IssuanceException e) {
      onFailure(e.getMessage());
      return;
    }
    Optional<String> failure = reconcileAll(webhooks, connection.get().client(), inForce.get(), () -> roots);
    if (failure.isPresent()) {
      onFailure(failure.get());
    } else {
      reconciledRoots = roots;
      lastFailure = null;
      failedAttempts = 0;
      schedule(RECHECK);
    }
  }

  @Override
  @Lock(LockType.READ)
  public List<String> notHolding(String trustBundlePem) {
    if (trustBundlePem.equals(reconciledRoots) || kubernetes.connection().isEmpty()) {
      return List.of();
    }
    return List.of("the webhook configurations' caBundle is not yet the new trust bundle"
        + (lastFailure == null ? "" : " (last attempt: " + lastFailure + ")"));
  }

  /** The caBundle is roots only: it holds no certificate of its own. */
  @Override
  @Lock(LockType.READ)
  public List<String> notIssuedBy(X509Certificate root) {
    return List.of();
  }

  /**
   * Brings every webhook configuration's caBundle to the trust bundle.
   *
   * @return why it did not, when it did not; never throws, so the loop that calls it never stops
   */
  static Optional<String> reconcileAll(
      Iterable<RegisteredWebhook> webhooks, ApiClient client, MeshSettings settings, TrustBundle trustBundle) {
    try {
      String roots = trustBundle.pem();
      for (RegisteredWebhook webhook : webhooks) {
        new CaBundleRegistration(webhook.client(client, settings)).reconcile(webhook.configurationName(settings), roots);
      }
      return Optional.empty();
    } catch (WebhookApiException | IssuanceException e) {
      return Optional.of(e.getMessage());
    } catch (RuntimeException e) {
      // Not the API's refusal but something unforeseen (an object the client cannot read): the loop must go on.
      LOG.log(Level.WARNING, "unexpected failure keeping the webhook caBundles current", e);
      return Optional.of(e.toString());
    }
  }

  private void onFailure(String reason) {
    lastFailure = reason;
    Duration wait = BACKOFF.delay(failedAttempts++, ThreadLocalRandom.current().nextDouble());
    LOG.warning(() -> "webhook caBundle not updated (attempt " + failedAttempts + ", next in " + wait.toMillis()
        + " ms): " + reason);
    schedule(wait);
  }

  /** At most one pending check: a new schedule replaces the old. */
  private void schedule(Duration delay) {
    cancelPending();
    EjbTimers.once(timers, delay, "webhook-ca-bundles");
  }

  @PreDestroy
  void cancelPending() {
    EjbTimers.cancelAll(timers);
  }
}

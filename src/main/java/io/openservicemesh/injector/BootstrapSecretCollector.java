package io.openservicemesh.injector;

import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.schedule.EjbTimers;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.openservicemesh.injector.OrphanedBootstrapSecrets.BootstrapSecret;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes bootstrap Secrets whose pod is gone or never came ({@link OrphanedBootstrapSecrets}), on an EJB timer
 * every grace period, so they do not pile up with every pod ever created (OSM left them behind). Each Secret
 * holds a private key; deleting what no pod mounts also shrinks what a leaked Secret list would expose. With
 * several replicas each sweeps; a Secret already deleted by another is not an error.
 */
@Singleton
public class BootstrapSecretCollector {

  private static final Logger LOG = Logger.getLogger(BootstrapSecretCollector.class.getName());
  public static final String SECRET_SELECTOR = ProxyIdentity.POD_LABEL + ",app.kubernetes.io/name=openservicemesh.io";
  private static final int PAGE = 500;
  private static final int FORBIDDEN = 403;

  @Inject SettingsInForce settings;
  @Inject KubernetesApi kubernetes;
  @Inject Clock clock;
  @Resource TimerService timers;

  public void onReady(@Observes ControlPlaneReady ready) {
    if (kubernetes.coreV1().isPresent()) {
      settings.current().ifPresent(inForce -> schedule(inForce.injector().bootstrapSecretGracePeriod()));
    }
  }

  @Timeout
  void sweep(Timer timer) {
    Optional<MeshSettings> inForce = settings.current();
    Optional<CoreV1Api> core = kubernetes.coreV1();
    if (inForce.isEmpty() || core.isEmpty()) {
      return;
    }
    Duration grace = inForce.get().injector().bootstrapSecretGracePeriod();
    try {
      // Pods first: a Secret listed afterwards whose pod is newer than this list is younger than the grace.
      Set<String> livePods = livePods(core.get());
      List<BootstrapSecret> orphans =
          OrphanedBootstrapSecrets.select(bootstrapSecrets(core.get()), livePods, clock.instant(), grace);
      for (BootstrapSecret orphan : orphans) {
        delete(core.get(), orphan);
      }
      if (!orphans.isEmpty()) {
        LOG.info(() -> "deleted " + orphans.size() + " bootstrap Secret(s) without a pod");
      }
    } catch (ApiException e) {
      if (e.getCode() == FORBIDDEN) {
        // The chart grants listing Secrets across namespaces only when asked to (injector.collectBootstrapSecrets):
        // without it, collection is off, said once, and never retried.
        LOG.info("bootstrap Secrets of deleted pods are not collected: the control plane may not list Secrets"
            + " across namespaces (Helm value injector.collectBootstrapSecrets=true grants it)");
        return;
      }
      LOG.warning(() -> "cannot look for bootstrap Secrets without a pod (HTTP " + e.getCode() + "); next try in "
          + grace.toSeconds() + " s");
    } catch (RuntimeException e) {
      // Something unforeseen (an object the client cannot read): reported, and the sweep goes on next time.
      LOG.log(Level.WARNING, "unexpected failure looking for bootstrap Secrets without a pod; next try in "
          + grace.toSeconds() + " s", e);
    }
    schedule(grace);
  }

  private static Set<String> livePods(CoreV1Api core) throws ApiException {
    Set<String> live = new HashSet<>();
    String next = null;
    do {
      V1PodList page = core.listPodForAllNamespaces().labelSelector(ProxyIdentity.POD_LABEL)
          .limit(PAGE)._continue(next).execute();
      page.getItems().forEach(pod -> live.add(pod.getMetadata().getNamespace() + "/"
          + pod.getMetadata().getLabels().get(ProxyIdentity.POD_LABEL)));
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return live;
  }

  private static List<BootstrapSecret> bootstrapSecrets(CoreV1Api core) throws ApiException {
    List<BootstrapSecret> secrets = new ArrayList<>();
    String next = null;
    do {
      V1SecretList page = core.listSecretForAllNamespaces().labelSelector(SECRET_SELECTOR)
          .limit(PAGE)._continue(next).execute();
      page.getItems().forEach(secret -> {
        V1ObjectMeta meta = secret.getMetadata();
        if (meta.getName().startsWith(SidecarInjector.SECRET_PREFIX) && meta.getCreationTimestamp() != null) {
          secrets.add(new BootstrapSecret(meta.getNamespace(), meta.getName(),
              meta.getLabels().get(ProxyIdentity.POD_LABEL), meta.getCreationTimestamp().toInstant()));
        }
      });
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return secrets;
  }

  private static void delete(CoreV1Api core, BootstrapSecret orphan) throws ApiException {
    try {
      core.deleteNamespacedSecret(orphan.name(), orphan.namespace()).execute();
      LOG.fine(() -> "deleted bootstrap Secret " + orphan.namespace() + "/" + orphan.name() + ": no pod");
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private void schedule(Duration delay) {
    cancelPending();
    EjbTimers.once(timers, delay, "bootstrap-secret-collector");
  }

  @PreDestroy
  void cancelPending() {
    EjbTimers.cancelAll(timers);
  }
}

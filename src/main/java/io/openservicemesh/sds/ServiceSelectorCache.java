package io.openservicemesh.sds;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.openservicemesh.k8s.ClusterCache;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The Services of every namespace, each trimmed to its selector, kept by an informer from the moment the control
 * plane is ready: an outbound validation context (the identities behind a service) then costs the API server
 * nothing per stream or push. A service too new to be in the cache is looked up in the API server instead, which
 * knows (one GET, as before the cache).
 */
@ApplicationScoped
public class ServiceSelectorCache {

  private static final Logger LOG = Logger.getLogger(ServiceSelectorCache.class.getName());

  private boolean started;
  private volatile ClusterCache<V1Service> cache;

  void onReady(@Observes ControlPlaneReady ready) {
    start();
  }

  /** The cached service, or empty when it is not cached (yet): ask the API server then. */
  Optional<V1Service> service(String namespace, String name) {
    ClusterCache<V1Service> current = cache;
    return current == null ? Optional.empty()
        : current.synced().map(services -> services.getByKey(namespace + "/" + name));
  }

  private synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    try {
      cache = ClusterCache.start(
          core -> params -> core.listServiceForAllNamespaces()
              .resourceVersion(params.resourceVersion)
              .timeoutSeconds(params.timeoutSeconds)
              .watch(params.watch)
              .buildCall(null),
          V1Service.class, V1ServiceList.class, ServiceSelectorCache::trimmed, Map.of())
          .orElse(null);
    } catch (IOException e) {
      LOG.warning("cannot watch the services (outbound validation contexts ask the API server at each lookup): "
          + e.getMessage());
      return;
    }
    if (cache != null) {
      LOG.info("watching the services for the identities behind each one (outbound validation contexts)");
    }
  }

  /** A service's name and selector, and nothing else. */
  static V1Service trimmed(V1Service service) {
    V1ObjectMeta meta = service.getMetadata();
    V1Service kept = new V1Service().metadata(new V1ObjectMeta()
        .name(meta.getName())
        .namespace(meta.getNamespace())
        .resourceVersion(meta.getResourceVersion()));
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    return kept.spec(new V1ServiceSpec().selector(selector == null ? null : Map.copyOf(selector)));
  }

  @PreDestroy
  synchronized void stop() {
    if (cache != null) {
      cache.close();
    }
  }
}

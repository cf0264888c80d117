package io.openservicemesh.pods;

import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.k8s.ClusterCache;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The meshed pods (label {@code osm-proxy-uuid}) of every namespace, kept by an informer (a list, then a watch,
 * listing again after a lost watch) from the moment the control plane is ready. The SDS pod check reads it, so a
 * stream opening costs the API server nothing in steady state, and a proxy whose pod the cache holds is still
 * checked while the API server cannot be reached; so do the lookup of the identities behind a service and the
 * leader's upkeep of bootstrap Secrets, which would otherwise list every meshed pod of the cluster twice a minute.
 *
 * <p>How stale it may be: a watch event arrives within moments of the change. A pod too new to be in the cache
 * yet is not refused: the check asks the API server, which knows (one LIST, as before the cache). A pod deleted
 * a moment ago may be found for those moments, as a LIST made a moment ago would have. Each pod is kept trimmed
 * to what the check and a selector read, so a large mesh costs a few hundred bytes per pod.
 */
@ApplicationScoped
public class MeshPodCache {

  private static final Logger LOG = Logger.getLogger(MeshPodCache.class.getName());
  private static final String BY_PROXY = "namespace/osm-proxy-uuid";

  private boolean started;
  private volatile ClusterCache<V1Pod> cache;

  void onReady(@Observes ControlPlaneReady ready) {
    start();
  }

  /** The cached pods of the proxy, or empty until the cache has its first complete list (ask the API then). */
  public Optional<List<V1Pod>> pods(ProxyIdentity proxy) {
    return indexed(BY_PROXY, key(proxy.service().namespace(), proxy.uuid().toString()));
  }

  /**
   * The cached meshed pods of a namespace, for matching a Service's selector; empty until the cache has its first
   * complete list.
   */
  public Optional<List<V1Pod>> inNamespace(String namespace) {
    return indexed(Caches.NAMESPACE_INDEX, namespace); // every informer's own index
  }

  /** Every cached meshed pod, or empty until the cache has its first complete list. */
  public Optional<List<V1Pod>> all() {
    return synced().map(Indexer::list);
  }

  private Optional<List<V1Pod>> indexed(String index, String key) {
    return synced().map(pods -> pods.byIndex(index, key));
  }

  private Optional<Indexer<V1Pod>> synced() {
    ClusterCache<V1Pod> current = cache;
    return current == null ? Optional.empty() : current.synced();
  }

  private synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    try {
      cache = ClusterCache.start(
          core -> params -> core.listPodForAllNamespaces()
              .labelSelector(ProxyIdentity.POD_LABEL)
              .resourceVersion(params.resourceVersion)
              .timeoutSeconds(params.timeoutSeconds)
              .watch(params.watch)
              .buildCall(null),
          V1Pod.class, V1PodList.class, MeshPodCache::trimmed,
          Map.of(BY_PROXY, pod -> List.of(key(pod.getMetadata().getNamespace(), pod.getMetadata().getLabels() == null
              ? "" : pod.getMetadata().getLabels().get(ProxyIdentity.POD_LABEL)))))
          .orElse(null);
    } catch (IOException e) {
      LOG.warning("cannot watch the meshed pods (the SDS pod check and the bootstrap upkeep ask the API server"
          + " instead): " + e.getMessage());
      return;
    }
    if (cache != null) {
      LOG.info("watching the meshed pods (label " + ProxyIdentity.POD_LABEL + ") for the SDS pod check, the"
          + " identities behind each service and the bootstrap upkeep");
    }
  }

  /**
   * What the SDS pod check and the bootstrap upkeep read of a pod, and its labels, which a Service's selector
   * matches; nothing else.
   */
  public static V1Pod trimmed(V1Pod pod) {
    V1ObjectMeta meta = pod.getMetadata();
    V1Pod kept = new V1Pod().metadata(new V1ObjectMeta()
        .name(meta.getName())
        .namespace(meta.getNamespace())
        .uid(meta.getUid())
        .resourceVersion(meta.getResourceVersion())
        .deletionTimestamp(meta.getDeletionTimestamp())
        .labels(meta.getLabels() == null ? null : Map.copyOf(meta.getLabels())));
    if (pod.getSpec() != null) {
      kept.spec(new V1PodSpec().serviceAccountName(pod.getSpec().getServiceAccountName()));
    }
    if (pod.getStatus() != null) {
      kept.status(new V1PodStatus().phase(pod.getStatus().getPhase()));
    }
    return kept;
  }

  private static String key(String namespace, String proxyUuid) {
    return namespace + "/" + proxyUuid;
  }

  @PreDestroy
  synchronized void stop() {
    if (cache != null) {
      cache.close();
    }
  }
}

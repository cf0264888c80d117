package io.openservicemesh.sds;

import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.openservicemesh.k8s.KubernetesConnection;
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

  private SharedInformerFactory informers;
  private volatile SharedIndexInformer<V1Service> informer;

  void onReady(@Observes ControlPlaneReady ready) {
    start();
  }

  /** The cached service, or empty when it is not cached (yet): ask the API server then. */
  Optional<V1Service> service(String namespace, String name) {
    SharedIndexInformer<V1Service> current = informer;
    if (current == null || !current.hasSynced()) {
      return Optional.empty();
    }
    return Optional.ofNullable(current.getIndexer().getByKey(namespace + "/" + name));
  }

  private synchronized void start() {
    if (informers != null) {
      return;
    }
    Optional<KubernetesConnection.Connected> connection;
    try {
      connection = KubernetesConnection.forWatching();
    } catch (IOException e) {
      LOG.warning("cannot watch the services (outbound validation contexts ask the API server at each lookup): "
          + e.getMessage());
      return;
    }
    if (connection.isEmpty()) {
      return;
    }
    ApiClient client = connection.get().client();
    CoreV1Api core = new CoreV1Api(client);
    informers = new SharedInformerFactory(client);
    SharedIndexInformer<V1Service> services = informers.sharedIndexInformerFor(
        params -> core.listServiceForAllNamespaces()
            .resourceVersion(params.resourceVersion)
            .timeoutSeconds(params.timeoutSeconds)
            .watch(params.watch)
            .buildCall(null),
        V1Service.class, V1ServiceList.class);
    services.setTransform(object -> trimmed((V1Service) object));
    informers.startAllRegisteredInformers();
    informer = services;
    LOG.info("watching the services for the identities behind each one (outbound validation contexts)");
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
    if (informers != null) {
      informers.stopAllRegisteredInformers();
    }
  }
}

package io.openservicemesh.validator;

import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.openservicemesh.k8s.KubernetesConnection;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Watches the {@code osm-config} ConfigMap of the OSM namespace (an informer: list, then watch, re-listing
 * after a lost watch) from the moment the control plane is ready, and applies each version through
 * {@link LiveConfigApplier}. Without a Kubernetes API there is nothing to watch.
 */
@ApplicationScoped
public class LiveConfigWatcher {

  private static final Logger LOG = Logger.getLogger(LiveConfigWatcher.class.getName());

  @Inject SettingsInForce settings;

  private SharedInformerFactory informers;

  void onReady(@Observes ControlPlaneReady ready) {
    settings.current().ifPresent(inForce -> start(inForce.osmNamespace()));
  }

  private synchronized void start(String osmNamespace) {
    if (informers != null) {
      return;
    }
    Optional<KubernetesConnection.Connected> connection;
    try {
      connection = KubernetesConnection.forWatching();
    } catch (IOException e) {
      LOG.warning("cannot watch ConfigMap " + LiveSettings.CONFIG_MAP + ": " + e.getMessage());
      return;
    }
    if (connection.isEmpty()) {
      LOG.info("no Kubernetes API (standalone): the live configuration (ConfigMap osm-config) is not watched");
      return;
    }
    ApiClient client = connection.get().client();
    CoreV1Api core = new CoreV1Api(client);
    LiveConfigApplier applier = new LiveConfigApplier(this::reload, InstallTimeValues::lookup);
    informers = new SharedInformerFactory(client);
    SharedIndexInformer<V1ConfigMap> informer = informers.sharedIndexInformerFor(
        params -> core.listNamespacedConfigMap(osmNamespace)
            .fieldSelector("metadata.name=" + LiveSettings.CONFIG_MAP)
            .resourceVersion(params.resourceVersion)
            .timeoutSeconds(params.timeoutSeconds)
            .watch(params.watch)
            .buildCall(null),
        V1ConfigMap.class, V1ConfigMapList.class);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(V1ConfigMap configMap) {
        applier.apply(data(configMap));
      }

      @Override
      public void onUpdate(V1ConfigMap old, V1ConfigMap configMap) {
        applier.apply(data(configMap));
      }

      @Override
      public void onDelete(V1ConfigMap configMap, boolean finalStateUnknown) {
        applier.apply(Map.of());
      }
    });
    informers.startAllRegisteredInformers();
    LOG.info(() -> "watching ConfigMap " + osmNamespace + "/" + LiveSettings.CONFIG_MAP
        + " for live settings " + LiveSettings.liveKeys());
  }

  /**
   * The ConfigMap's accepted entries are already in MicroProfile Config (through {@link LiveConfigSource});
   * the control plane takes them the way it takes any configuration change, at once rather than at the next
   * rotation pass.
   */
  private void reload() {
    settings.follow();
  }

  private static Map<String, String> data(V1ConfigMap configMap) {
    return configMap.getData() == null ? Map.of() : configMap.getData();
  }

  @PreDestroy
  synchronized void stop() {
    if (informers != null) {
      informers.stopAllRegisteredInformers();
    }
  }
}

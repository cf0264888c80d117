package io.openservicemesh.k8s;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.CallGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One kind of object of every namespace, kept by an informer (a list, then a watch, listing again after a lost
 * watch) on a connection without a read timeout, each object trimmed to what its readers need. Read only once
 * it holds a complete list.
 *
 * @param <T> the kind of object
 */
public final class ClusterCache<T extends KubernetesObject> implements AutoCloseable {

  private final SharedInformerFactory informers;
  private final SharedIndexInformer<T> informer;

  private ClusterCache(SharedInformerFactory informers, SharedIndexInformer<T> informer) {
    this.informers = informers;
    this.informer = informer;
  }

  /**
   * Starts the cache.
   *
   * @param list the list-and-watch call of the informer, made with the watch connection's API
   * @param trim what is kept of each object
   * @param indexers named indexes over the kept objects
   * @return empty when there is no Kubernetes API (standalone)
   * @throws IOException when the watch connection cannot be made
   */
  public static <T extends KubernetesObject, L extends KubernetesListObject> Optional<ClusterCache<T>> start(
      Function<CoreV1Api, CallGenerator> list, Class<T> type, Class<L> listType, UnaryOperator<T> trim,
      Map<String, Function<T, List<String>>> indexers) throws IOException {
    Optional<KubernetesConnection.Connected> connection = KubernetesConnection.forWatching();
    if (connection.isEmpty()) {
      return Optional.empty();
    }
    SharedInformerFactory informers = new SharedInformerFactory(connection.get().client());
    SharedIndexInformer<T> informer = informers.sharedIndexInformerFor(
        list.apply(new CoreV1Api(connection.get().client())), type, listType);
    informer.setTransform(object -> trim.apply(type.cast(object)));
    if (!indexers.isEmpty()) {
      informer.addIndexers(indexers);
    }
    informers.startAllRegisteredInformers();
    return Optional.of(new ClusterCache<>(informers, informer));
  }

  /** The kept objects, or empty until the first complete list has arrived. */
  public Optional<Indexer<T>> synced() {
    return informer.hasSynced() ? Optional.of(informer.getIndexer()) : Optional.empty();
  }

  @Override
  public void close() {
    informers.stopAllRegisteredInformers();
  }
}

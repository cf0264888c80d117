package io.openservicemesh.sds;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.pods.MeshPodCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The identities a Kubernetes Service's pods run as: the service accounts of the meshed pods its selector picks.
 * An outbound validation context accepts exactly these (a caller of {@code bookstore} must be answered by a
 * bookstore pod, not by any mesh workload). Read from the informer caches of services and meshed pods; a service
 * or namespace the caches do not hold yet is looked up in the API server.
 */
@ApplicationScoped
public class UpstreamIdentities {

  private static final String DEFAULT_SERVICE_ACCOUNT = "default";

  @Inject KubernetesApi kubernetes;
  @Inject ServiceSelectorCache services;
  @Inject MeshPodCache pods;
  @Inject Clock clock;

  private final WaitingUpstreams waiting = new WaitingUpstreams();

  /**
   * @return the identities, or empty when there is no Kubernetes API to ask (standalone mode)
   * @throws SdsException NOT_FOUND when the service does not exist, UNAVAILABLE when the API fails
   */
  Optional<Set<ServiceIdentity>> of(String namespace, String service) throws SdsException {
    Optional<Set<ServiceIdentity>> identities = lookUp(namespace, service);
    if (identities.isPresent() && identities.get().isEmpty()) {
      waiting.noIdentityYet(new WaitingUpstreams.Service(namespace, service), clock.instant());
    }
    return identities;
  }

  /**
   * Looks again at the services that had no identity when a proxy asked (see {@link WaitingUpstreams}).
   *
   * @return whether any has identities now, so the streams should be pushed
   */
  boolean anyAppeared() {
    Instant now = clock.instant();
    boolean appeared = false;
    for (WaitingUpstreams.Service service : waiting.due(now)) {
      try {
        if (lookUp(service.namespace(), service.name()).map(found -> !found.isEmpty()).orElse(true)) {
          waiting.resolved(service);
          appeared = true;
        } else {
          waiting.stillWaiting(service, now);
        }
      } catch (SdsException e) {
        if (e.status().getCode() == io.grpc.Status.Code.NOT_FOUND) {
          waiting.resolved(service); // deleted: its streams learn it when they ask again
        } else {
          waiting.stillWaiting(service, now);
        }
      }
    }
    return appeared;
  }

  private Optional<Set<ServiceIdentity>> lookUp(String namespace, String service) throws SdsException {
    Optional<CoreV1Api> api = kubernetes.coreV1();
    if (api.isEmpty()) {
      return Optional.empty();
    }
    Optional<V1Service> cached = services.service(namespace, service);
    Optional<List<V1Pod>> meshed = pods.inNamespace(namespace);
    if (cached.isPresent() && meshed.isPresent()) {
      return Optional.of(identities(namespace, selector(cached.get()), meshed.get()));
    }
    // Not cached (yet): the API server knows.
    try {
      V1Service found = api.get().readNamespacedService(service, namespace).execute();
      Map<String, String> selector = selector(found);
      if (selector.isEmpty()) {
        return Optional.of(Set.of());
      }
      String labelSelector = selector.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(","));
      // The meshed pods only, as the cache holds them: a pod without a proxy presents no mesh certificate.
      return Optional.of(identities(namespace, selector, api.get().listNamespacedPod(namespace)
          .labelSelector(labelSelector + "," + ProxyIdentity.POD_LABEL).execute().getItems()));
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        throw new SdsException(io.grpc.Status.Code.NOT_FOUND, "service " + namespace + "/" + service + " does not exist");
      }
      throw new SdsException(io.grpc.Status.Code.UNAVAILABLE,
          "cannot read service " + namespace + "/" + service + " from the Kubernetes API (" + e.getCode() + ")");
    }
  }

  private static Map<String, String> selector(V1Service service) {
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    return selector == null ? Map.of() : selector;
  }

  /**
   * The service accounts of the pods {@code selector} picks among {@code pods}; none without a selector (a
   * service whose endpoints are kept by hand names no pods).
   */
  static Set<ServiceIdentity> identities(String namespace, Map<String, String> selector, List<V1Pod> pods) {
    Set<ServiceIdentity> identities = new TreeSet<>(Comparator.comparing(ServiceIdentity::toString));
    if (selector.isEmpty()) {
      return identities;
    }
    for (V1Pod pod : pods) {
      Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
      if (labels == null || !labels.entrySet().containsAll(selector.entrySet())) {
        continue;
      }
      String account = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
      identities.add(new ServiceIdentity(account == null ? DEFAULT_SERVICE_ACCOUNT : account, namespace));
    }
    return identities;
  }
}

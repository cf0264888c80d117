package io.openservicemesh.sds;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.k8s.KubernetesApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The identities a Kubernetes Service's pods run as: the service accounts of the pods its selector picks. An
 * outbound validation context accepts exactly these (a caller of {@code bookstore} must be answered by a
 * bookstore pod, not by any mesh workload).
 */
@ApplicationScoped
public class UpstreamIdentities {

  private static final String DEFAULT_SERVICE_ACCOUNT = "default";

  @Inject KubernetesApi kubernetes;
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
    try {
      V1Service found = api.get().readNamespacedService(service, namespace).execute();
      Map<String, String> selector = found.getSpec() == null ? null : found.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        return Optional.of(Set.of());
      }
      String labelSelector = selector.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(","));
      Set<ServiceIdentity> identities = new TreeSet<>(java.util.Comparator.comparing(ServiceIdentity::toString));
      for (V1Pod pod : api.get().listNamespacedPod(namespace).labelSelector(labelSelector).execute().getItems()) {
        String account = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
        identities.add(new ServiceIdentity(account == null ? DEFAULT_SERVICE_ACCOUNT : account, namespace));
      }
      return Optional.of(identities);
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        throw new SdsException(io.grpc.Status.Code.NOT_FOUND, "service " + namespace + "/" + service + " does not exist");
      }
      throw new SdsException(io.grpc.Status.Code.UNAVAILABLE,
          "cannot read service " + namespace + "/" + service + " from the Kubernetes API (" + e.getCode() + ")");
    }
  }
}

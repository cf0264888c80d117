package io.openservicemesh.sds;

import io.grpc.Status;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.k8s.ApiFailures;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.pods.MeshPodCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a connecting proxy belongs to a pod that lives: the pod labelled {@code osm-proxy-uuid=<uuid>}
 * in the certificate's namespace, running as the certificate's service account, not finished (phase Succeeded
 * or Failed) and not past its deletion deadline. A bootstrap certificate outlives its pod; this stops one
 * copied out of a gone pod's Secret from being used. A pod being deleted keeps its streams until its deadline,
 * so it can drain its connections. The pods come from {@link MeshPodCache}, or from the API server when the cache
 * does not hold them.
 */
@ApplicationScoped
public class ProxyPodVerifier {

  @Inject KubernetesApi kubernetes;
  @Inject MeshPodCache cache;
  @Inject Clock clock;

  /** Throws PERMISSION_DENIED naming the proxy when no such pod exists; does nothing in standalone mode. */
  void verify(ProxyIdentity proxy) throws SdsException {
    Optional<CoreV1Api> api = kubernetes.coreV1();
    if (api.isEmpty()) {
      return;
    }
    Optional<List<V1Pod>> cached = cache.pods(proxy).filter(pods -> !pods.isEmpty());
    List<V1Pod> pods = cached.isPresent() ? cached.get() : listed(api.get(), proxy);
    String account = proxy.service().serviceAccount();
    List<V1Pod> ofAccount = pods.stream().filter(pod -> account.equals(serviceAccountOf(pod))).toList();
    if (ofAccount.isEmpty()) {
      throw new SdsException(Status.Code.PERMISSION_DENIED, "no pod labelled " + ProxyIdentity.POD_LABEL + "=" + proxy.uuid()
          + " with service account " + account + " exists in namespace " + proxy.service().namespace());
    }
    Instant now = clock.instant();
    List<String> gone = ofAccount.stream().map(pod -> whyGone(pod, now)).flatMap(Optional::stream).toList();
    if (gone.size() == ofAccount.size()) {
      throw new SdsException(Status.Code.PERMISSION_DENIED, "the pod of proxy " + proxy.commonName() + " "
          + gone.get(0));
    }
  }

  /** The proxy's pods as the API server has them: before the cache is filled, or for a pod too new for it. */
  private static List<V1Pod> listed(CoreV1Api api, ProxyIdentity proxy) throws SdsException {
    try {
      return api.listNamespacedPod(proxy.service().namespace())
          .labelSelector(ProxyIdentity.POD_LABEL + "=" + proxy.uuid()).execute().getItems();
    } catch (ApiException e) {
      throw new SdsException(Status.Code.UNAVAILABLE,
          "cannot verify the pod of proxy " + proxy.commonName() + ": " + ApiFailures.describe(e));
    }
  }

  /** Why this pod may no longer have certificates, or empty when it lives. */
  static Optional<String> whyGone(V1Pod pod, Instant now) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return Optional.of("has finished (phase " + phase + ")");
    }
    OffsetDateTime deadline = pod.getMetadata() == null ? null : pod.getMetadata().getDeletionTimestamp();
    if (deadline != null && !now.isBefore(deadline.toInstant())) {
      return Optional.of("was deleted and its grace period ended at " + deadline.toInstant());
    }
    return Optional.empty();
  }

  private static String serviceAccountOf(V1Pod pod) {
    String account = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
    return account == null ? "default" : account;
  }
}

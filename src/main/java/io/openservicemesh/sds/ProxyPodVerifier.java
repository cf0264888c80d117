package io.openservicemesh.sds;

import io.grpc.Status;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.k8s.KubernetesApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a connecting proxy belongs to a pod that exists: the pod labelled {@code osm-proxy-uuid=<uuid>}
 * in the certificate's namespace, running as the certificate's service account. A bootstrap certificate
 * outlives its pod by years; this stops one copied out of a deleted pod's Secret from being used.
 */
@ApplicationScoped
public class ProxyPodVerifier {

  public static final String PROXY_UUID_LABEL = "osm-proxy-uuid";

  @Inject KubernetesApi kubernetes;

  /** Throws PERMISSION_DENIED naming the proxy when no such pod exists; does nothing in standalone mode. */
  void verify(ProxyIdentity proxy) throws SdsException {
    Optional<CoreV1Api> api = kubernetes.coreV1();
    if (api.isEmpty()) {
      return;
    }
    List<V1Pod> pods;
    try {
      pods = api.get().listNamespacedPod(proxy.service().namespace())
          .labelSelector(PROXY_UUID_LABEL + "=" + proxy.uuid()).execute().getItems();
    } catch (ApiException e) {
      throw new SdsException(Status.Code.UNAVAILABLE,
          "cannot verify the pod of proxy " + proxy.commonName() + ": the Kubernetes API answered " + e.getCode());
    }
    String account = proxy.service().serviceAccount();
    boolean found = pods.stream().anyMatch(pod -> account.equals(serviceAccountOf(pod)));
    if (!found) {
      throw new SdsException(Status.Code.PERMISSION_DENIED, "no pod labelled " + PROXY_UUID_LABEL + "=" + proxy.uuid()
          + " with service account " + account + " exists in namespace " + proxy.service().namespace());
    }
  }

  private static String serviceAccountOf(V1Pod pod) {
    String account = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
    return account == null ? "default" : account;
  }
}

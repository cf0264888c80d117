package io.openservicemesh.bootstrap;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.k8s.ApiFailures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/** Lists meshed pods across namespaces in pages, by label: the control plane may list pods, not Secrets. */
public final class KubernetesMeshPods implements MeshPods {

  private static final Logger LOG = Logger.getLogger(KubernetesMeshPods.class.getName());
  private static final int PAGE = 500;

  private final CoreV1Api core;

  public KubernetesMeshPods(CoreV1Api core) {
    this.core = core;
  }

  @Override
  public List<MeshPod> list() throws BootstrapSecretException {
    List<MeshPod> pods = new ArrayList<>();
    String next = null;
    try {
      do {
        V1PodList page = core.listPodForAllNamespaces().labelSelector(ProxyIdentity.POD_LABEL)
            .limit(PAGE)._continue(next).execute();
        page.getItems().forEach(pod -> meshPod(pod).ifPresent(pods::add));
        next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      } while (next != null && !next.isEmpty());
    } catch (ApiException e) {
      throw new BootstrapSecretException("cannot list the meshed pods (label " + ProxyIdentity.POD_LABEL + "): "
          + ApiFailures.describe(e), false);
    }
    return pods;
  }

  /** A pod whose label is not a UUID was not labelled by the injector: it has no bootstrap Secret to keep. */
  static Optional<MeshPod> meshPod(V1Pod pod) {
    var meta = pod.getMetadata();
    String label = meta.getLabels() == null ? null : meta.getLabels().get(ProxyIdentity.POD_LABEL);
    UUID uuid;
    try {
      uuid = UUID.fromString(String.valueOf(label));
    } catch (IllegalArgumentException e) {
      LOG.fine(() -> "pod " + meta.getNamespace() + "/" + meta.getName() + " has " + ProxyIdentity.POD_LABEL + "="
          + label + ", not a proxy UUID: ignored");
      return Optional.empty();
    }
    String serviceAccount = pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
        ? "default" : pod.getSpec().getServiceAccountName();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    boolean finished = meta.getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase);
    return Optional.of(new MeshPod(meta.getNamespace(), meta.getName(), meta.getUid(), uuid, serviceAccount,
        finished));
  }
}

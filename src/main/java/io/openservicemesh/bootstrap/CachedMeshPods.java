package io.openservicemesh.bootstrap;

import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The meshed pods from the control plane's pod cache once it holds a complete list, else from the API server.
 * How stale the cache may be does not matter here: a pod too new to be cached has a Secret younger than the sweep's
 * grace period, and gets its owner at the next look.
 */
final class CachedMeshPods implements MeshPods {

  private final Supplier<Optional<List<V1Pod>>> cached;
  private final MeshPods listed;

  /**
   * @param cached every cached meshed pod, empty until the cache is complete
   * @param listed the API server's list, while it is not
   */
  CachedMeshPods(Supplier<Optional<List<V1Pod>>> cached, MeshPods listed) {
    this.cached = cached;
    this.listed = listed;
  }

  @Override
  public List<MeshPod> list() throws BootstrapSecretException {
    Optional<List<V1Pod>> pods = cached.get();
    if (pods.isEmpty()) {
      return listed.list();
    }
    return pods.get().stream().flatMap(pod -> KubernetesMeshPods.meshPod(pod).stream()).toList();
  }
}

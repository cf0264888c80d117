package io.openservicemesh.bootstrap;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Which bootstrap Secrets no pod needs any more. A Secret is written at admission, before its pod exists, so the
 * pod cannot own it and Kubernetes does not delete it with the pod; a pod refused later in admission (another
 * webhook, a quota) never exists at all. A Secret is an orphan when no pod in its namespace carries its proxy
 * UUID and it is older than the grace period, which covers the moments between the Secret's creation and its
 * pod's. A pure function, so its edges are tested directly.
 */
public final class OrphanedBootstrapSecrets {

  /** A bootstrap Secret as listed: where it is, whose proxy it serves, when it was made. */
  public record BootstrapSecret(String namespace, String name, String uid, String proxyUuid, Instant created) {}

  private OrphanedBootstrapSecrets() {}

  /**
   * @param livePods {@link MeshPod#key} of every pod that carries an {@code osm-proxy-uuid} label, listed
   *     before the Secrets
   */
  public static List<BootstrapSecret> select(
      List<BootstrapSecret> secrets, Set<String> livePods, Instant now, Duration gracePeriod) {
    return secrets.stream()
        .filter(s -> !livePods.contains(s.namespace() + "/" + s.proxyUuid()))
        .filter(s -> !s.created().plus(gracePeriod).isAfter(now))
        .toList();
  }
}

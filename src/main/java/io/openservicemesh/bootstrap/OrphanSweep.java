package io.openservicemesh.bootstrap;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.openservicemesh.bootstrap.OrphanedBootstrapSecrets.BootstrapSecret;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.k8s.ApiFailures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The opt-in backstop of {@link PendingBootstrapSecrets}: lists the bootstrap Secrets of every namespace and
 * deletes those without a pod after the grace period, including Secrets a replica created just before it
 * restarted. Kubernetes cannot narrow a list of Secrets to a label, so this needs the chart's opt-in grant
 * ({@code injector.collectBootstrapSecrets=true}); without it the sweep is off, said once.
 */
public final class OrphanSweep {

  private static final Logger LOG = Logger.getLogger(OrphanSweep.class.getName());
  public static final String SECRET_SELECTOR =
      ProxyIdentity.POD_LABEL + "," + BootstrapSecrets.NAME_LABEL + "=" + BootstrapSecrets.NAME_LABEL_VALUE;
  private static final int PAGE = 500;
  private static final int FORBIDDEN = 403;

  private final CoreV1Api core;
  private final BootstrapSecrets secrets;
  private volatile boolean permitted = true;

  public OrphanSweep(CoreV1Api core, BootstrapSecrets secrets) {
    this.core = core;
    this.secrets = secrets;
  }

  public boolean permitted() {
    return permitted;
  }

  /**
   * @param livePods {@link MeshPod#key} of every meshed pod, listed before this call: a Secret listed afterwards
   *     whose pod is newer than that list is younger than the grace period
   * @return how many Secrets were deleted
   */
  public int sweep(Set<String> livePods, Instant now, Duration grace) throws BootstrapSecretException {
    if (!permitted) {
      return 0;
    }
    List<BootstrapSecret> listed;
    try {
      listed = bootstrapSecrets();
    } catch (ApiException e) {
      if (e.getCode() == FORBIDDEN) {
        permitted = false;
        LOG.info("bootstrap Secrets left by a restarted replica are not swept: the control plane may not list"
            + " Secrets across namespaces (Helm value injector.collectBootstrapSecrets=true grants it); Secrets of"
            + " pods that never came are still deleted by the replica that created them");
        return 0;
      }
      throw new BootstrapSecretException("cannot list bootstrap Secrets: " + ApiFailures.describe(e), false);
    }
    List<BootstrapSecret> orphans = OrphanedBootstrapSecrets.select(listed, livePods, now, grace);
    for (BootstrapSecret orphan : orphans) {
      secrets.delete(orphan.namespace(), orphan.name(), orphan.uid());
    }
    return orphans.size();
  }

  private List<BootstrapSecret> bootstrapSecrets() throws ApiException {
    List<BootstrapSecret> found = new ArrayList<>();
    String next = null;
    do {
      V1SecretList page = core.listSecretForAllNamespaces().labelSelector(SECRET_SELECTOR)
          .limit(PAGE)._continue(next).execute();
      page.getItems().forEach(secret -> {
        V1ObjectMeta meta = secret.getMetadata();
        if (meta.getName().startsWith(BootstrapSecrets.NAME_PREFIX) && meta.getCreationTimestamp() != null) {
          found.add(new BootstrapSecret(meta.getNamespace(), meta.getName(), meta.getUid(),
              meta.getLabels().get(ProxyIdentity.POD_LABEL), meta.getCreationTimestamp().toInstant()));
        }
      });
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return found;
  }
}

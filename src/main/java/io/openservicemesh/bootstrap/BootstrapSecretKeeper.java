package io.openservicemesh.bootstrap;

import io.openservicemesh.bootstrap.PendingBootstrapSecrets.Outcome;
import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.TrustBundle;
import java.security.cert.X509Certificate;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.pods.MeshPodCache;
import io.openservicemesh.rotation.RenewalPolicy;
import io.openservicemesh.schedule.LogThrottle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Everything the control plane does with bootstrap Secrets after the injector's admission: remembers the
 * Secrets this replica created until their pods appear ({@link PendingBootstrapSecrets}), and, on the leader,
 * keeps every live proxy's credential renewed ({@link BootstrapRenewer}) and sweeps what restarted replicas left
 * ({@link OrphanSweep}, opt-in). One {@link #pass} every few seconds; the meshed pods are read at most every
 * {@link #DISCOVERY_INTERVAL}, and only when there is something to look for, from the pod cache once it is complete
 * ({@link CachedMeshPods}).
 */
@ApplicationScoped
public class BootstrapSecretKeeper implements NewBootstrapSecrets, RootDistribution {

  private static final Logger LOG = Logger.getLogger(BootstrapSecretKeeper.class.getName());

  /**
   * How soon a new pod's Secret gets its owner, and a new leader learns the mesh's pods: at most this, and at most
   * the grace period of Secrets without a pod (a short grace asks for closer looks).
   */
  static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(30);

  @Inject SettingsInForce settings;
  @Inject KubernetesApi kubernetes;
  @Inject MeshPodCache podCache;
  @Inject BootstrapCertificates issuer;
  @Inject TrustBundle trustBundle;
  @Inject Clock clock;

  private final PendingBootstrapSecrets pending = new PendingBootstrapSecrets();
  private final AtomicBoolean passRunning = new AtomicBoolean();
  private final LogThrottle listingFailures = new LogThrottle(Duration.ofMinutes(5), 1);
  private volatile Parts parts;
  private Instant lastListing = Instant.MIN;
  private Instant lastSweep = Instant.MIN;
  private boolean wasLeading;

  /** What a pass works with; empty without a Kubernetes API. */
  record Parts(BootstrapSecrets secrets, MeshPods pods, BootstrapRenewer renewer, OrphanSweep sweep) {}

  /**
   * Writes a new proxy's Secret (the injector's one write) and remembers it until its pod appears.
   *
   * @throws BootstrapSecretException with {@link BootstrapSecretException#conflict()} when the name is taken
   */
  @Override
  public void create(String namespace, UUID proxy, Map<String, byte[]> files) throws BootstrapSecretException {
    Optional<Parts> available = parts();
    if (available.isEmpty()) {
      throw new BootstrapSecretException("cannot create Secret " + namespace + "/" + BootstrapSecrets.nameOf(proxy)
          + ": the control plane runs without a Kubernetes API (standalone)", false);
    }
    StoredBootstrapSecret created = available.get().secrets().create(namespace, proxy, files);
    pending.created(created, MeshPod.key(namespace, proxy), clock.instant());
  }

  /**
   * One round of upkeep. Skipped while the previous round still runs (thousands of renewals after a CA outage)
   * and until the control plane has started.
   *
   * @param leading whether this replica holds the leader Lease now
   */
  public void pass(boolean leading) {
    Optional<MeshSettings> inForce = settings.current();
    Optional<Parts> available = parts();
    if (inForce.isEmpty() || available.isEmpty() || !passRunning.compareAndSet(false, true)) {
      return;
    }
    try {
      pass(available.get(), inForce.get(), leading);
    } finally {
      passRunning.set(false);
    }
  }

  /** Leader's credentials near expiry without a successor: what readiness names. */
  public List<BootstrapRenewer.Overdue> overdue() {
    Optional<MeshSettings> inForce = settings.current();
    return parts().filter(p -> inForce.isPresent())
        .map(p -> p.renewer().overdue(RenewalPolicy.of(inForce.get().rotation())))
        .orElse(List.of());
  }

  /** How many live proxies' Secrets the renewer keeps (0 on a replica that does not lead). */
  public int keptCount() {
    return parts().map(p -> p.renewer().trackedCount()).orElse(0);
  }

  /** The leader's evidence for a root rotation: every live proxy's Secret (nothing to show elsewhere). */
  @Override
  public List<String> notHolding(String trustBundlePem) {
    return parts().map(p -> p.renewer().notHolding(trustBundlePem)).orElse(List.of());
  }

  @Override
  public List<String> notIssuedBy(X509Certificate root) {
    return parts().map(p -> p.renewer().notIssuedBy(root)).orElse(List.of());
  }

  public int pendingCount() {
    return pending.size();
  }

  private synchronized void pass(Parts parts, MeshSettings inForce, boolean leading) {
    Instant now = clock.instant();
    if (wasLeading && !leading) {
      parts.renewer().forget();
    }
    boolean becameLeader = leading && !wasLeading;
    wasLeading = leading;
    boolean somethingToLookFor = leading || !pending.isEmpty();
    Duration interval = min(DISCOVERY_INTERVAL, inForce.injector().bootstrapSecretGracePeriod());
    if (somethingToLookFor && (becameLeader || !now.isBefore(lastListing.plus(interval)))) {
      lastListing = now;
      list(parts, inForce, leading, now);
    }
    if (leading) {
      parts.renewer().pass(RenewalPolicy.of(inForce.rotation()), inForce.osmNamespace());
    }
  }

  private void list(Parts parts, MeshSettings inForce, boolean leading, Instant now) {
    List<MeshPod> pods;
    try {
      pods = parts.pods().list();
    } catch (BootstrapSecretException e) {
      long suppressed = listingFailures.permit();
      if (suppressed >= 0) {
        LOG.warning(e.getMessage() + "; bootstrap Secrets are looked after again at the next listing"
            + LogThrottle.suppressedNote(suppressed));
      }
      return;
    }
    Duration grace = inForce.injector().bootstrapSecretGracePeriod();
    Map<String, MeshPod> byKey = pods.stream()
        .collect(Collectors.toMap(MeshPod::key, Function.identity(), (first, second) -> first));
    settlePending(parts.secrets(), pending.decide(byKey, now, grace));
    if (leading) {
      parts.renewer().track(pods);
      if (!now.isBefore(lastSweep.plus(grace))) {
        lastSweep = now;
        sweep(parts.sweep(), byKey, now, grace);
      }
    }
  }

  /** A Secret whose pod came gets the pod as owner; one whose pod never came is deleted. */
  private void settlePending(BootstrapSecrets secrets, List<Outcome> outcomes) {
    int deleted = 0;
    for (Outcome outcome : outcomes) {
      StoredBootstrapSecret created = outcome.pending().secret();
      try {
        if (outcome instanceof Outcome.HandOver handOver) {
          handOver(secrets, created, handOver.pod());
        } else {
          secrets.delete(created.namespace(), created.name(), created.uid());
          deleted++;
        }
      } catch (BootstrapSecretException e) {
        LOG.warning(() -> e.getMessage() + "; tried again at the next listing");
        pending.retry(outcome.pending());
      }
    }
    if (deleted > 0) {
      int count = deleted;
      LOG.info(() -> "deleted " + count + " bootstrap Secret(s) whose pod never came");
    }
  }

  private static void handOver(BootstrapSecrets secrets, StoredBootstrapSecret created, MeshPod pod)
      throws BootstrapSecretException {
    Optional<StoredBootstrapSecret> current = secrets.read(created.namespace(), created.name());
    if (current.isEmpty() || current.get().owner().filter(pod.owner()::equals).isPresent()) {
      return; // gone with its pod already, or the leader handed it over first
    }
    secrets.rewrite(current.get(), current.get().files(), pod.owner());
  }

  private static void sweep(OrphanSweep sweep, Map<String, MeshPod> pods, Instant now, Duration grace) {
    try {
      int deleted = sweep.sweep(pods.keySet(), now, grace);
      if (deleted > 0) {
        LOG.info(() -> "deleted " + deleted + " bootstrap Secret(s) without a pod (cluster-wide sweep)");
      }
    } catch (BootstrapSecretException e) {
      LOG.warning(() -> e.getMessage() + "; the cluster-wide sweep tries again in " + grace.toSeconds() + " s");
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private Optional<Parts> parts() {
    Parts current = parts;
    if (current == null) {
      synchronized (this) {
        if (parts == null) {
          parts = kubernetes.coreV1().map(core -> {
            BootstrapSecrets secrets = new KubernetesBootstrapSecrets(core);
            SecureRandom random = new SecureRandom();
            return new Parts(secrets, new CachedMeshPods(podCache::all, new KubernetesMeshPods(core)),
                new BootstrapRenewer(secrets, issuer, trustBundle, clock, random::nextDouble),
                new OrphanSweep(core, secrets));
          }).orElse(null);
        }
        current = parts;
      }
    }
    return Optional.ofNullable(current);
  }
}

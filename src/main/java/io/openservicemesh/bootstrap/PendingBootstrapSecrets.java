package io.openservicemesh.bootstrap;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The bootstrap Secrets this replica created whose pod it has not seen yet. A Secret is written at admission,
 * before its pod exists, so nothing owns it at first; a pod refused later in admission (another webhook, a
 * quota, PodSecurity) never exists at all. Each pass, a Secret whose pod has appeared is handed over (its pod
 * becomes its owner, so Kubernetes deletes it with the pod), and one whose pod has not appeared within the grace
 * period is deleted by name and uid. Nothing is listed but pods.
 *
 * <p>The memory is this replica's own: a replica that restarts within the grace period forgets its pending
 * Secrets (the opt-in cluster-wide sweep, {@link OrphanedBootstrapSecrets}, catches those). Bounded: beyond
 * {@link #MAX_PENDING} the oldest are forgotten, which only the rate limit of Secret creation could reach.
 */
public final class PendingBootstrapSecrets {

  private static final Logger LOG = Logger.getLogger(PendingBootstrapSecrets.class.getName());
  static final int MAX_PENDING = 100_000;

  /** A created Secret waiting for its pod. */
  record Pending(StoredBootstrapSecret secret, String key, Instant created) {}

  /** What a pass decided for one pending Secret. */
  sealed interface Outcome {
    Pending pending();

    record HandOver(Pending pending, MeshPod pod) implements Outcome {}

    record Delete(Pending pending) implements Outcome {}
  }

  private final Map<String, Pending> pending = new LinkedHashMap<>();

  /** @param key {@link MeshPod#key} of the proxy the Secret is for */
  public synchronized void created(StoredBootstrapSecret secret, String key, Instant now) {
    pending.put(key, new Pending(secret, key, now));
    if (pending.size() > MAX_PENDING) {
      Iterator<String> oldest = pending.keySet().iterator();
      oldest.next();
      oldest.remove();
      LOG.warning("more than " + MAX_PENDING + " bootstrap Secrets wait for their pods; the oldest is forgotten"
          + " (the opt-in cluster-wide collection deletes it if its pod never comes)");
    }
  }

  public synchronized boolean isEmpty() {
    return pending.isEmpty();
  }

  public synchronized int size() {
    return pending.size();
  }

  /**
   * Takes out what is decided: Secrets whose pod is listed (to hand over) and Secrets older than the grace period
   * without a pod (to delete). The rest stays pending. A pure decision on the list, so its edges are tested
   * directly.
   *
   * @param pods the meshed pods, listed after the Secrets were recorded
   */
  public synchronized List<Outcome> decide(Map<String, MeshPod> pods, Instant now, Duration grace) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending next = it.next();
      MeshPod pod = pods.get(next.key());
      if (pod != null) {
        outcomes.add(new Outcome.HandOver(next, pod));
        it.remove();
      } else if (!next.created().plus(grace).isAfter(now)) {
        outcomes.add(new Outcome.Delete(next));
        it.remove();
      }
    }
    return outcomes;
  }

  /** A hand-over or deletion that failed is tried again at the next pass. */
  public synchronized void retry(Pending again) {
    pending.putIfAbsent(again.key(), again);
  }

  /** Keys of every pending Secret; for tests and the readiness details. */
  synchronized Set<String> keys() {
    return Set.copyOf(pending.keySet());
  }
}

package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import io.openservicemesh.events.EventReason;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * What the leader of a root change tells operators: each step (a log line and a Kubernetes Event on the CA
 * Secret), what a step waits for (once per change, also written into the state so {@code kubectl get secret}
 * shows it), and a CA it refuses (once per reason). Repeating an unchanged wait every five seconds would bury
 * the one line that says what to fix.
 */
public final class ChangeNotices {

  private final Logger log;
  private final BiConsumer<EventReason, String> events;
  private List<String> lastWaiting = List.of();
  private String lastRefusal = "";
  private long steps;

  /** @param events records a Kubernetes Event on the CA Secret */
  public ChangeNotices(Logger log, BiConsumer<EventReason, String> events) {
    this.log = log;
    this.events = events;
  }

  /** A step taken (a change started, moved on or ended): logged, recorded and counted. */
  public synchronized void stepTaken(EventReason reason, String message) {
    steps++;
    said(reason, message);
  }

  /** How many steps have been taken, so a caller can tell whether a pass took one. */
  public synchronized long stepsTaken() {
    return steps;
  }

  private void said(EventReason reason, String message) {
    log.info(message);
    events.accept(reason, message);
  }

  /** Said when {@code waiting} differs from the last wait, and written into the state when it differs there. */
  public synchronized void waiting(String phase, List<String> waiting, StoredRotation stored,
      RotationStateStore state) throws CaStoreException {
    if (waiting.equals(lastWaiting)) {
      return;
    }
    lastWaiting = List.copyOf(waiting);
    said(EventReason.ROOT_ROTATION_WAITING, "root rotation " + phase + " waits for: " + String.join("; ", waiting));
    if (!ReplicaReports.waitingFor(stored.data()).equals(waiting)) {
      state.replace(stored, ReplicaReports.withWaitingFor(stored.data(), waiting));
    }
  }

  /** Nothing is waited for any more: the step is being taken. */
  public synchronized void doneWaiting() {
    lastWaiting = List.of();
  }

  /** A refused CA, told once per reason; an empty text means nothing is refused now. */
  public synchronized void refuse(String text) {
    if (!text.equals(lastRefusal)) {
      lastRefusal = text;
      if (!text.isEmpty()) {
        log.warning(text);
        events.accept(EventReason.CA_SECRET_REFUSED, text);
      }
    }
  }

  public synchronized List<String> lastWaiting() {
    return lastWaiting;
  }

  public synchronized String refusal() {
    return lastRefusal;
  }
}

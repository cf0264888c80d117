package io.openservicemesh.events;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An {@link EventRecorder} that passes each event through the {@link EventCorrelator} and hands what is to be
 * written to a {@link Sink} on its own executor, so the caller (an admission request on the API server's clock,
 * a renewal) never waits for the API server and never sees its failures.
 */
public final class CorrelatingRecorder implements EventRecorder {

  private static final Logger LOG = Logger.getLogger(CorrelatingRecorder.class.getName());

  /** Writes one Event to wherever Events go; may throw, which is logged and forgotten. */
  public interface Sink {
    void write(EventSubject subject, MeshEvent event, EventCorrelator.Write write) throws Exception;
  }

  private final EventCorrelator correlator;
  private final Optional<EventSubject> controlPlane;
  private final Executor executor;
  private final Sink sink;

  /**
   * @param controlPlane the control plane's own Pod, for events about no other object; empty when the downward
   *     API did not say (such events are then only logged)
   */
  public CorrelatingRecorder(
      EventCorrelator correlator, Optional<EventSubject> controlPlane, Executor executor, Sink sink) {
    this.correlator = correlator;
    this.controlPlane = controlPlane;
    this.executor = executor;
    this.sink = sink;
  }

  @Override
  public void record(MeshEvent event) {
    Optional<EventSubject> subject = event.subject().or(() -> controlPlane);
    if (subject.isEmpty()) {
      LOG.fine(() -> "no Event for " + event.reason().apiValue() + ": POD_NAME and POD_NAMESPACE are not set");
      return;
    }
    correlator.observe(subject.get(), event.reason()).ifPresent(write -> {
      try {
        executor.execute(() -> send(subject.get(), event, write));
      } catch (RejectedExecutionException full) {
        LOG.fine(() -> "Event " + write.eventName() + " dropped: the queue of Events to write is full");
      }
    });
  }

  private void send(EventSubject subject, MeshEvent event, EventCorrelator.Write write) {
    try {
      sink.write(subject, event, write);
    } catch (Exception e) {
      LOG.log(Level.FINE, e, () -> "cannot write Event " + event.reason().apiValue() + " about " + subject);
      LOG.warning(() -> "cannot write the " + event.reason().apiValue() + " Event about " + subject + ": "
          + e.getMessage());
    }
  }
}

package io.openservicemesh.events;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing the control plane tells an operator through a Kubernetes Event. The message is read by people in
 * {@code kubectl describe}: callers write it from their own words and API failures' descriptions, never from a
 * key, token or certificate body.
 *
 * @param subject the object concerned; empty means the control plane's own Pod
 */
public record MeshEvent(Optional<EventSubject> subject, EventReason reason, String message) {

  /** core/v1 takes long messages, but a line an operator can read is the point; events.k8s.io caps notes at 1 kB. */
  public static final int MAX_MESSAGE_LENGTH = 1024;

  public MeshEvent {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (message.length() > MAX_MESSAGE_LENGTH) {
      message = message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
    }
  }

  public static MeshEvent about(EventSubject subject, EventReason reason, String message) {
    return new MeshEvent(Optional.of(subject), reason, message);
  }

  /** About the control plane itself (its Pod, from the downward API): a failure that belongs to no other object. */
  public static MeshEvent aboutControlPlane(EventReason reason, String message) {
    return new MeshEvent(Optional.empty(), reason, message);
  }
}

package io.openservicemesh.rotation;

/** A subscriber's registration with the {@link RotationAnnouncer}; closing it stops its deliveries. */
public interface Subscription extends AutoCloseable {

  /** Stops deliveries to this subscriber and drops what was pending for it. Idempotent. */
  @Override
  void close();
}

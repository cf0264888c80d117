package io.openservicemesh.events;

/**
 * Where the control plane's components tell what happened, without knowing how it reaches Kubernetes. Recording
 * never blocks on the API server and never throws: an Event is a courtesy to the operator, not part of the work.
 */
public interface EventRecorder {

  /** Records nothing: standalone mode and unit tests. */
  EventRecorder NONE = event -> {};

  void record(MeshEvent event);
}

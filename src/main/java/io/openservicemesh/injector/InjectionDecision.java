package io.openservicemesh.injector;

/** Whether a pod gets a sidecar, and why. */
public sealed interface InjectionDecision {

  String reason();

  /** The pod gets the sidecar. */
  record Inject(String reason) implements InjectionDecision {}

  /** The pod is admitted unchanged. */
  record Skip(String reason) implements InjectionDecision {}

  /** The pod is refused: its or its namespace's annotation has a value the injector does not accept. */
  record Refuse(String reason) implements InjectionDecision {}
}

package io.openservicemesh.events;

/**
 * Why the control plane records a Kubernetes Event: a closed set, so every reason is CamelCase as Kubernetes
 * tools expect, has one fixed type, and can be documented and filtered on ({@code kubectl get events
 * --field-selector reason=IssuanceFailed}).
 */
public enum EventReason {
  /** The built-in CA made a new root and stored it in the CA Secret. */
  CA_CREATED("CaCreated", Type.NORMAL),
  /** The built-in CA loaded the root stored in the CA Secret (also after another replica created it). */
  CA_LOADED("CaLoaded", Type.NORMAL),
  /** The CA Secret is broken, or missing while the mesh's roots are published elsewhere: start-up refuses it. */
  CA_SECRET_REFUSED("CaSecretRefused", Type.WARNING),
  /** A root rotation of the built-in CA began: the incoming root is published beside the outgoing one. */
  ROOT_ROTATION_STARTED("RootRotationStarted", Type.NORMAL),
  /** A root rotation took its next step (published, signing), on evidence. */
  ROOT_ROTATION_STEP("RootRotationStep", Type.NORMAL),
  /** A root rotation waits: what for changed (a replica, an SDS stream, a bootstrap Secret, a caBundle). */
  ROOT_ROTATION_WAITING("RootRotationWaiting", Type.NORMAL),
  /** A root rotation ended: the outgoing root is trusted no more. */
  ROOT_ROTATION_COMPLETED("RootRotationCompleted", Type.NORMAL),
  /** The certificate manager's backend could not issue a certificate. */
  ISSUANCE_FAILED("IssuanceFailed", Type.WARNING),
  /** The sidecar injector refused a pod (a bad annotation, too many bootstrap Secrets, no identity). */
  INJECTION_REFUSED("InjectionRefused", Type.WARNING);

  /** The Event's type, in the words of core/v1. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String apiValue;

    Type(String apiValue) {
      this.apiValue = apiValue;
    }

    public String apiValue() {
      return apiValue;
    }
  }

  private final String apiValue;
  private final Type type;

  EventReason(String apiValue, Type type) {
    this.apiValue = apiValue;
    this.type = type;
  }

  /** The {@code reason} field, e.g. {@code CaCreated}. */
  public String apiValue() {
    return apiValue;
  }

  public Type type() {
    return type;
  }
}

package io.openservicemesh.injector;

/**
 * The injector could not do its part (read a namespace, write a Secret, get a certificate). The message is
 * meant for the user who created the pod and names what failed; it never carries key material.
 */
public class InjectionException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean conflict;

  public InjectionException(String message, boolean conflict) {
    super(message, null, false, false);
    this.conflict = conflict;
  }

  public InjectionException(String message) {
    this(message, false);
  }

  /** The object already exists (HTTP 409): a new name may succeed. */
  public boolean conflict() {
    return conflict;
  }
}

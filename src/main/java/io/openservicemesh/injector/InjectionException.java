package io.openservicemesh.injector;

/**
 * The injector could not do its part (read a namespace, write a Secret, get a certificate). The message is
 * meant for the user who created the pod and names what failed; it never carries key material.
 */
public class InjectionException extends Exception {

  private static final long serialVersionUID = 1L;

  public InjectionException(String message) {
    super(message, null, false, false);
  }
}

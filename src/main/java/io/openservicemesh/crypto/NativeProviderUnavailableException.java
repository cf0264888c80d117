package io.openservicemesh.crypto;

/** A native-backed provider cannot be used here; the message says why. */
public class NativeProviderUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  public NativeProviderUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

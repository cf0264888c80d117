package io.openservicemesh.crypto;

/** The provider the configuration demands cannot be used: a start-up error, whose message names the setting and the fix. */
public class CryptoProviderUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  public CryptoProviderUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

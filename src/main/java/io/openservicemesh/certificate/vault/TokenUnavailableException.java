package io.openservicemesh.certificate.vault;

/** No usable Vault token right now (expired, refused); the message says why and what happens next. */
final class TokenUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  TokenUnavailableException(String message) {
    super(message);
  }
}

package io.openservicemesh.certificate;

/**
 * An issuer could not issue. {@link #retryable()} separates a backend that is away or overloaded (try again
 * with backoff, keep serving the old certificate) from a request it will never grant (stop, tell the operator).
 */
public class IssuanceException extends Exception {

  private final boolean retryable;

  public IssuanceException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public IssuanceException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}

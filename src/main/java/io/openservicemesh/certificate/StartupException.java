package io.openservicemesh.certificate;

/**
 * The issuer could not start. {@link #retryable()} is false when waiting cannot help (an issuer kind this
 * build does not have); otherwise start-up tries again with backoff, since an operator may fix a Secret or
 * an API server may come back.
 */
public class StartupException extends Exception {

  private final boolean retryable;

  public StartupException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public StartupException(String message) {
    this(message, true, null);
  }

  public boolean retryable() {
    return retryable;
  }
}

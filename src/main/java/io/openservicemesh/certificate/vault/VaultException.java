package io.openservicemesh.certificate.vault;

import java.util.List;

/**
 * A Vault request that failed, classified so that callers can decide without parsing text: whether
 * trying again can help ({@link #retryable()}), and what Vault said ({@link #errors()}, the
 * {@code errors} array of its error body). The message names the request (method and path, never a
 * token or a body) and ends with what to do when that is known.
 */
public final class VaultException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No connection (refused, reset, DNS): Vault is away or the address is wrong. */
    UNREACHABLE(true),
    /** No complete answer within OpenServiceMesh.vault.requestTimeout. */
    TIMEOUT(true),
    /** The TLS handshake failed, typically an untrusted certificate: waiting does not fix it. */
    TLS(false),
    /** 503 with "Vault is sealed": an operator (or auto-unseal) will unseal it. */
    SEALED(true),
    /** 403: a token Vault does not accept, or a policy that does not allow the request. */
    PERMISSION_DENIED(false),
    /** Another 4xx: the request itself is wrong for this Vault (unknown role, a name the role refuses). */
    REJECTED(false),
    /** 412 or 429: Vault asks to come back later (eventual consistency, rate limit quotas). */
    TRY_LATER(true),
    /** 5xx other than sealed. */
    SERVER_ERROR(true),
    /** 2xx, but not the JSON Vault documents. */
    MALFORMED_RESPONSE(false),
    /** The calling thread was interrupted (shutting down). */
    INTERRUPTED(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }
  }

  private final Kind kind;
  private final int status;
  private final List<String> errors;

  /**
   * @param status the HTTP status, 0 when there was no HTTP answer
   * @param errors Vault's {@code errors} array, empty when there was none
   */
  VaultException(String message, Kind kind, int status, List<String> errors, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  VaultException(String message, Kind kind) {
    this(message, kind, 0, List.of(), null);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status; 0 when Vault did not answer. */
  public int status() {
    return status;
  }

  public List<String> errors() {
    return errors;
  }

  /** True when the same request may succeed later: Vault away, sealed, overloaded or slow. */
  public boolean retryable() {
    return kind.retryable;
  }

  /** The same failure, its message saying how many attempts were made. */
  VaultException afterAttempts(int attempts) {
    if (attempts <= 1) {
      return this;
    }
    return new VaultException(
        getMessage() + " (gave up after " + attempts + " attempts)", kind, status, errors, this);
  }
}

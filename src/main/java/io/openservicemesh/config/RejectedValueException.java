package io.openservicemesh.config;

import java.util.Optional;

/**
 * A value a {@link ValueRule} refuses. The accepted form already tells the operator what to
 * write, so the detail is only for what the form does not say, e.g. "unknown unit x".
 */
final class RejectedValueException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String detail;

  RejectedValueException() {
    this(null);
  }

  RejectedValueException(String detail) {
    // No stack trace: this is an expected outcome of validation, not a fault.
    super(detail, null, false, false);
    this.detail = detail;
  }

  Optional<String> detail() {
    return Optional.ofNullable(detail);
  }
}

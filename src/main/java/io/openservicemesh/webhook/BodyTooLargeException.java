package io.openservicemesh.webhook;

/** A request body over {@link AdmissionBodyLimits#MAX_BODY_BYTES}; the message says what was seen. */
public class BodyTooLargeException extends Exception {

  private static final long serialVersionUID = 1L;

  public BodyTooLargeException(String message) {
    super(message, null, false, false);
  }
}

package io.openservicemesh.webhook;

/** A request body that is not an AdmissionReview this webhook can answer; the message says why. */
public class MalformedAdmissionReviewException extends Exception {

  private static final long serialVersionUID = 1L;

  public MalformedAdmissionReviewException(String message) {
    super(message, null, false, false);
  }
}

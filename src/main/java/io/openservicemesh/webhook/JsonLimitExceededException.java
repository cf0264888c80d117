package io.openservicemesh.webhook;

/** JSON nested deeper, or with more values, than an AdmissionReview may have; the message names the limit. */
public class JsonLimitExceededException extends Exception {

  private static final long serialVersionUID = 1L;

  public JsonLimitExceededException(String message) {
    super(message, null, false, false);
  }
}

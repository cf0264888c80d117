package io.openservicemesh.webhook;

/** A Kubernetes API call about a webhook configuration failed; {@link #code()} is the HTTP status, 0 if none. */
public class WebhookApiException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int code;

  public WebhookApiException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}

package io.openservicemesh.sds;

import io.grpc.Status;

/** A request SDS refuses, with the gRPC status the stream ends with. */
final class SdsException extends Exception {

  /**
   * The longest reason sent and logged. Reasons quote the request (a resource name, a node id), which the client
   * chose: unbounded, a reason could outgrow the HTTP/2 header block its grpc-message trailer travels in, and the
   * client would see a protocol error instead of the refusal.
   */
  static final int MESSAGE_LIMIT = 1_000;

  private final Status status;

  SdsException(Status.Code code, String message) {
    super(bounded(message));
    this.status = Status.fromCode(code).withDescription(getMessage());
  }

  private static String bounded(String message) {
    return message.length() <= MESSAGE_LIMIT ? message
        : message.substring(0, MESSAGE_LIMIT) + "... (" + (message.length() - MESSAGE_LIMIT) + " more characters)";
  }

  Status status() {
    return status;
  }
}

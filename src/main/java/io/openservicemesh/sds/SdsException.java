package io.openservicemesh.sds;

import io.grpc.Status;

/** A request SDS refuses, with the gRPC status the stream ends with. */
final class SdsException extends Exception {

  private final Status status;

  SdsException(Status.Code code, String message) {
    super(message);
    this.status = Status.fromCode(code).withDescription(message);
  }

  Status status() {
    return status;
  }
}

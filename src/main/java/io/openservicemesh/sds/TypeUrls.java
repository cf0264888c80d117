package io.openservicemesh.sds;

import io.grpc.Status;

/** The one resource type SDS serves. */
final class TypeUrls {

  static final String SECRET = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

  private TypeUrls() {}

  /** An empty type URL is allowed: on a dedicated SDS stream the type is implied. */
  static void check(String typeUrl) throws SdsException {
    if (!typeUrl.isEmpty() && !SECRET.equals(typeUrl)) {
      throw new SdsException(Status.Code.INVALID_ARGUMENT, "SDS serves only " + SECRET + ", not " + typeUrl);
    }
  }
}

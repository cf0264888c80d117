package io.openservicemesh.sds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.openservicemesh.identity.ProxyIdentity;

/**
 * Envoy's self-declared node id must be the one its certificate proves. The id is never trusted on its own
 * (OSM took identity from it), but a mismatch means a misconfigured or stolen bootstrap: refuse it.
 */
final class NodeCheck {

  private NodeCheck() {}

  /** The first request of a stream carries the node; later ones may omit it. */
  static void verifyFirst(boolean hasNode, Node node, ProxyIdentity proxy) throws SdsException {
    if (!hasNode || node.getId().isEmpty()) {
      throw new SdsException(Status.Code.INVALID_ARGUMENT,
          "the first request of a stream must carry node.id (expected " + proxy.commonName() + ")");
    }
    verify(node, proxy);
  }

  static void verify(Node node, ProxyIdentity proxy) throws SdsException {
    if (!node.getId().isEmpty() && !node.getId().equals(proxy.commonName())) {
      throw new SdsException(Status.Code.PERMISSION_DENIED, "node.id \"" + node.getId()
          + "\" does not match the client certificate, which is of proxy " + proxy.commonName());
    }
  }
}

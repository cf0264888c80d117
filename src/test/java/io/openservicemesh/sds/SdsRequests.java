package io.openservicemesh.sds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import java.util.List;
import java.util.UUID;

/** Requests as Envoy sends them, for the proxy the stream tests connect as. */
final class SdsRequests {

  static final ProxyIdentity PROXY = new ProxyIdentity(
      UUID.fromString("3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41"), new ServiceIdentity("bookbuyer", "bookstore"));

  /** The common name of the proxy's service certificate, under which its streams are registered. */
  static final String SERVICE_CN = "bookbuyer.bookstore.cluster.local";

  private SdsRequests() {}

  static Node node(String id) {
    return Node.newBuilder().setId(id).setCluster("bookbuyer").build();
  }

  /** The first request of a state-of-the-world stream: the node, the type, the names, no nonce. */
  static DiscoveryRequest.Builder first(String... names) {
    return DiscoveryRequest.newBuilder()
        .setNode(node(PROXY.commonName()))
        .setTypeUrl(TypeUrls.SECRET)
        .addAllResourceNames(List.of(names));
  }

  /** A later request answering {@code response}: without node, as Envoy omits it after the first. */
  static DiscoveryRequest.Builder answering(DiscoveryResponse response, String... names) {
    return DiscoveryRequest.newBuilder()
        .setTypeUrl(TypeUrls.SECRET)
        .setVersionInfo(response.getVersionInfo())
        .setResponseNonce(response.getNonce())
        .addAllResourceNames(List.of(names));
  }

  static DeltaDiscoveryRequest.Builder firstDelta(String... subscribe) {
    return DeltaDiscoveryRequest.newBuilder()
        .setNode(node(PROXY.commonName()))
        .setTypeUrl(TypeUrls.SECRET)
        .addAllResourceNamesSubscribe(List.of(subscribe));
  }

  static List<Secret> secrets(DiscoveryResponse response) {
    return response.getResourcesList().stream().map(SdsRequests::unpack).toList();
  }

  static Secret unpack(Any any) {
    try {
      return any.unpack(Secret.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a Secret: " + any.getTypeUrl(), e);
    }
  }
}

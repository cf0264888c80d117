package io.openservicemesh.sds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.StreamObserver;
import io.openservicemesh.identity.ProxyIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One DeltaSecrets stream (incremental xDS): the client subscribes and unsubscribes names; the server sends
 * only secrets whose version the client does not have, each with its own version. On a new stream the
 * client's {@code initial_resource_versions} say what it already holds, so a reconnect costs nothing when
 * nothing changed.
 */
final class DeltaStream extends SdsStream<DeltaDiscoveryResponse> {

  private static final Logger LOG = Logger.getLogger(DeltaStream.class.getName());

  /** Subscribed names and the version the client holds (null: none yet). */
  private final Map<String, String> clientVersions = new LinkedHashMap<>();

  DeltaStream(ProxyIdentity proxy, String serviceCommonName, SecretLookup resolver,
      StreamObserver<DeltaDiscoveryResponse> responses, Instant closeAt, Runnable onClosed) {
    this(proxy, serviceCommonName, resolver, responses, closeAt, onClosed, SdsMeter.NONE);
  }

  DeltaStream(ProxyIdentity proxy, String serviceCommonName, SecretLookup resolver,
      StreamObserver<DeltaDiscoveryResponse> responses, Instant closeAt, Runnable onClosed, SdsMeter meter) {
    super(proxy, serviceCommonName, resolver, responses, closeAt, onClosed, meter);
  }

  synchronized void onRequest(DeltaDiscoveryRequest request) {
    if (isClosed()) {
      return;
    }
    try {
      if (admit(request.getTypeUrl(), request.hasNode(), request.getNode())) {
        clientVersions.putAll(request.getInitialResourceVersionsMap());
      }
      if (request.hasErrorDetail()) {
        meter.nacked();
        LOG.warning(() -> "proxy " + proxy.commonName() + " rejected SDS delta response "
            + request.getResponseNonce() + ": " + request.getErrorDetail().getMessage());
      } else if (!request.getResponseNonce().isEmpty()) {
        meter.acked();
      }
      request.getResourceNamesUnsubscribeList().forEach(clientVersions::remove);
      for (String name : request.getResourceNamesSubscribeList()) {
        clientVersions.putIfAbsent(name, null);
      }
      sendChanged();
    } catch (SdsException e) {
      refuse(e);
    }
  }

  @Override
  synchronized void refresh() {
    if (isClosed() || !started()) {
      return;
    }
    try {
      sendChanged();
    } catch (SdsException e) {
      refuse(e);
    }
  }

  private void sendChanged() throws SdsException {
    List<Resource> changed = new ArrayList<>();
    for (Map.Entry<String, String> entry : clientVersions.entrySet()) {
      Secret secret = resolver.resolve(proxy, entry.getKey());
      String version = Versions.of(secret);
      if (!version.equals(entry.getValue())) {
        changed.add(Resource.newBuilder().setName(entry.getKey()).setVersion(version).setResource(Any.pack(secret)).build());
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    changed.forEach(resource -> clientVersions.put(resource.getName(), resource.getVersion()));
    send(DeltaDiscoveryResponse.newBuilder()
        .setTypeUrl(TypeUrls.SECRET).setNonce(nextNonce()).addAllResources(changed).build());
  }
}

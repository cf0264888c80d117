package io.openservicemesh.sds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.StreamObserver;
import io.openservicemesh.identity.ProxyIdentity;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * One DeltaSecrets stream (incremental xDS): the client subscribes and unsubscribes names; the server sends
 * only secrets whose version the client does not have, each with its own version. On a new stream the
 * client's {@code initial_resource_versions} say what it already holds, so a reconnect costs nothing when
 * nothing changed.
 *
 * <p>Each response is ACKed or NACKed by its nonce. For delivery evidence the stream remembers, per subscribed
 * name, the material of the last ACKed response that carried it, and, for the responses not yet answered (at
 * most {@value #PENDING_LIMIT}, the oldest dropped), which names they carried with what material: references
 * to the Strings inside the secrets, never copies, never a private key.
 */
final class DeltaStream extends SdsStream<DeltaDiscoveryResponse> {

  private static final Logger LOG = Logger.getLogger(DeltaStream.class.getName());

  /** Envoy answers each response in order; more unanswered than this means the client is not answering. */
  static final int PENDING_LIMIT = 16;

  /** Subscribed names, in subscription order. */
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  /** Responses sent and not yet ACKed or NACKed, oldest first. */
  private final ArrayDeque<Sent> pending = new ArrayDeque<>(2);

  /** One subscribed name. */
  private static final class Subscription {
    /** The version the client holds or was last sent (null: none yet). */
    String version;
    /** The material of the last ACKed response that carried this name; null before one. */
    String acked;
    /** The trimmed error detail when the last response carrying this name was NACKed; else null. */
    String rejection;
  }

  /** A response not yet answered: its nonce, and each name it carried with that name's material. */
  private record Sent(String nonce, Subscription[] carried, String[] materials) {

    boolean carries(Subscription subscription) {
      for (Subscription each : carried) {
        if (each == subscription) {
          return true;
        }
      }
      return false;
    }
  }
  /** For the debug view: the response nonce the client last ACKed, and what it last rejected, with its reason. */
  private String lastAckedNonce;
  private Optional<String> lastNack = Optional.empty();

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
      boolean first = admit(request.getTypeUrl(), request.hasNode(), request.getNode());
      if (first) {
        request.getInitialResourceVersionsMap().forEach((name, version) -> subscription(name).version = version);
      }
      if (request.hasErrorDetail()) {
        meter.nacked();
        LOG.warning(() -> "proxy " + proxy.commonName() + " rejected SDS delta response "
            + request.getResponseNonce() + ": " + request.getErrorDetail().getMessage());
        lastNack = StreamView.nack("response " + request.getResponseNonce(), request.getErrorDetail().getMessage());
      } else if (!request.getResponseNonce().isEmpty()) {
        meter.acked();
        lastAckedNonce = request.getResponseNonce();
      }
      if (!request.getResponseNonce().isEmpty()) {
        answered(request);
      }
      request.getResourceNamesUnsubscribeList().forEach(subscriptions::remove);
      for (String name : request.getResourceNamesSubscribeList()) {
        subscription(name);
      }
      sendChanged(first);
    } catch (SdsException e) {
      refuse(e);
    }
  }

  @Override
  synchronized StreamView view() {
    return new StreamView(proxy.commonName(), proxy.service().serviceAccount() + "." + proxy.service().namespace(), "delta",
        List.copyOf(subscriptions.keySet()), Optional.ofNullable(lastAckedNonce).map(nonce -> "response " + nonce),
        lastNack, closeAt());
  }

  @Override
  synchronized void refresh() {
    if (isClosed() || !started()) {
      return;
    }
    try {
      sendChanged(false);
    } catch (SdsException e) {
      refuse(e);
    }
  }

  private Subscription subscription(String name) {
    return subscriptions.computeIfAbsent(name, unused -> new Subscription());
  }

  /**
   * An ACK applies what its response carried, and drops older unanswered responses (the client answers in
   * order, so it will not answer those); a NACK marks what it carried as rejected: the client keeps what it had.
   * A nonce no longer pending (dropped, or never sent) teaches nothing.
   */
  private void answered(DeltaDiscoveryRequest request) {
    String nonce = request.getResponseNonce();
    String rejection = request.hasErrorDetail() ? Uptake.trimmedDetail(request.getErrorDetail().getMessage()) : null;
    for (Iterator<Sent> older = pending.iterator(); older.hasNext(); ) {
      Sent sent = older.next();
      if (!sent.nonce().equals(nonce)) {
        continue;
      }
      for (int i = 0; i < sent.carried().length; i++) {
        Subscription subscription = sent.carried()[i];
        if (rejection == null) {
          subscription.acked = sent.materials()[i];
        }
        subscription.rejection = rejection;
      }
      if (rejection == null) {
        while (pending.peekFirst() != sent) {
          pending.removeFirst();
        }
      }
      pending.remove(sent);
      return;
    }
  }

  /**
   * @param initial whether the client's initial_resource_versions are in force: a name whose version it
   *     declared matches the current secret is held without being sent, which counts as ACKed
   */
  private void sendChanged(boolean initial) throws SdsException {
    List<Resource> changed = new ArrayList<>();
    List<Subscription> carried = new ArrayList<>();
    List<String> materials = new ArrayList<>();
    for (Map.Entry<String, Subscription> entry : subscriptions.entrySet()) {
      Secret secret = resolver.resolve(proxy, entry.getKey());
      String version = Versions.of(secret);
      Subscription subscription = entry.getValue();
      if (version.equals(subscription.version)) {
        if (initial) {
          subscription.acked = Material.of(secret);
        }
        continue;
      }
      changed.add(Resource.newBuilder().setName(entry.getKey()).setVersion(version).setResource(Any.pack(secret)).build());
      carried.add(subscription);
      materials.add(Material.of(secret));
    }
    if (changed.isEmpty()) {
      return;
    }
    for (int i = 0; i < changed.size(); i++) {
      carried.get(i).version = changed.get(i).getVersion();
      carried.get(i).rejection = null; // what matters now is the answer to this response
    }
    String nonce = nextNonce();
    if (pending.size() == PENDING_LIMIT) {
      pending.removeFirst();
    }
    pending.addLast(new Sent(nonce, carried.toArray(new Subscription[0]), materials.toArray(new String[0])));
    send(DeltaDiscoveryResponse.newBuilder()
        .setTypeUrl(TypeUrls.SECRET).setNonce(nonce).addAllResources(changed).build());
  }

  @Override
  synchronized List<Uptake> trustBundleUptake() {
    return uptakes(Material::isValidationContext);
  }

  @Override
  synchronized List<Uptake> certificateUptake() {
    return uptakes(Material::isServiceCertificate);
  }

  private List<Uptake> uptakes(Predicate<String> kind) {
    if (isClosed() || !started()) {
      return List.of();
    }
    List<Uptake> uptakes = new ArrayList<>(2);
    for (Map.Entry<String, Subscription> entry : subscriptions.entrySet()) {
      if (kind.test(entry.getKey())) {
        uptakes.add(uptake(entry.getValue()));
      }
    }
    return uptakes;
  }

  private Uptake uptake(Subscription subscription) {
    if (subscription.rejection != null) {
      return new Uptake(subscription.acked, Uptake.State.REJECTED, subscription.rejection);
    }
    for (Sent sent : pending) {
      if (sent.carries(subscription)) {
        return new Uptake(subscription.acked, Uptake.State.PENDING, "response nonce " + sent.nonce());
      }
    }
    return new Uptake(subscription.acked, Uptake.State.ACKED, null);
  }
}

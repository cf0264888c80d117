package io.openservicemesh.sds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.openservicemesh.identity.ProxyIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One StreamSecrets stream, state of the world, following the xDS protocol:
 * <ul>
 *   <li>every response carries the full set of subscribed secrets, a content version and a fresh nonce;
 *   <li>a request echoing the last nonce without error_detail is an ACK: nothing is sent;
 *   <li>with error_detail it is a NACK: logged with the detail, and the rejected content is not sent again;
 *   <li>a request with a stale nonce is ignored (a response crossed it on the wire);
 *   <li>a changed set of resource names is a new subscription and is answered;
 *   <li>the first request of a stream is always answered, so a reconnecting Envoy gets the current state.
 * </ul>
 *
 * <p>For delivery evidence it remembers what the last response and the last ACKed response carried (references
 * to the trust bundle and chain Strings, a few dozen bytes), and the detail of a NACK of the last response.
 */
final class StateOfTheWorldStream extends SdsStream<DiscoveryResponse> {

  private static final Logger LOG = Logger.getLogger(StateOfTheWorldStream.class.getName());

  private Set<String> subscribed = Set.of();
  private String lastNonce;
  /** What the response with {@link #lastNonce} carried, with its version. */
  private Carried lastSent;
  /** What the last response the client ACKed carried; null before the first ACK. */
  private Carried acked;
  /** The client's error detail when it NACKed the response with {@link #lastNonce}, trimmed; else null. */
  private String rejection;

  /** A response's version and the material evidence is about, as the Strings inside its secrets. */
  private record Carried(String version, String trustBundle, String certificateChain) {

    /** Differing validation contexts in one response: equal to no bundle, so the stream is listed. */
    static final String DIFFERING_BUNDLES = "(validation contexts with different trusted CAs)";

    static Carried of(String version, List<Secret> secrets) {
      String bundle = null;
      String chain = null;
      boolean firstContext = true;
      for (Secret secret : secrets) {
        String material = Material.of(secret);
        if (secret.hasValidationContext()) {
          bundle = firstContext || Objects.equals(bundle, material) ? material : DIFFERING_BUNDLES;
          firstContext = false;
        } else if (secret.hasTlsCertificate()) {
          chain = material;
        }
      }
      return new Carried(version, bundle, chain);
    }
  }
  /** What the proxy last rejected, with its reason, for the debug view (kept after later ACKs). */
  private Optional<String> lastNack = Optional.empty();

  StateOfTheWorldStream(ProxyIdentity proxy, String serviceCommonName, SecretLookup resolver,
      StreamObserver<DiscoveryResponse> responses, Instant closeAt, Runnable onClosed) {
    this(proxy, serviceCommonName, resolver, responses, closeAt, onClosed, SdsMeter.NONE);
  }

  StateOfTheWorldStream(ProxyIdentity proxy, String serviceCommonName, SecretLookup resolver,
      StreamObserver<DiscoveryResponse> responses, Instant closeAt, Runnable onClosed, SdsMeter meter) {
    super(proxy, serviceCommonName, resolver, responses, closeAt, onClosed, meter);
  }

  synchronized void onRequest(DiscoveryRequest request) {
    if (isClosed()) {
      return;
    }
    try {
      if (admit(request.getTypeUrl(), request.hasNode(), request.getNode())) {
        subscribe(request.getResourceNamesList());
        return;
      }
      if (!request.getResponseNonce().equals(lastNonce)) {
        return; // stale: answers a response that has since been superseded
      }
      Set<String> names = new LinkedHashSet<>(request.getResourceNamesList());
      if (request.hasErrorDetail()) {
        meter.nacked();
        LOG.warning(() -> "proxy " + proxy.commonName() + " rejected SDS version " + lastSent.version() + " of "
            + subscribed + ": " + request.getErrorDetail().getMessage());
        rejection = Uptake.trimmedDetail(request.getErrorDetail().getMessage());
        lastNack = StreamView.nack("version " + lastSent.version(), request.getErrorDetail().getMessage());
      } else {
        meter.acked();
        acked = lastSent;
        rejection = null;
      }
      if (!names.equals(subscribed)) {
        subscribe(request.getResourceNamesList());
      }
    } catch (SdsException e) {
      refuse(e);
    }
  }

  @Override
  synchronized StreamView view() {
    return new StreamView(proxy.commonName(), proxy.service().serviceAccount() + "." + proxy.service().namespace(), "state-of-the-world",
        List.copyOf(subscribed), Optional.ofNullable(acked).map(Carried::version), lastNack, closeAt());
  }

  @Override
  synchronized void refresh() {
    if (isClosed() || !started()) {
      return;
    }
    try {
      List<Secret> secrets = resolveAll(subscribed);
      String version = Versions.of(secrets);
      if (!version.equals(lastSent.version())) {
        respond(secrets, version);
      }
    } catch (SdsException e) {
      refuse(e);
    }
  }

  private void subscribe(List<String> names) throws SdsException {
    if (names.isEmpty()) {
      throw new SdsException(Status.Code.INVALID_ARGUMENT, "an SDS request must name the secrets it wants");
    }
    Set<String> wanted = new LinkedHashSet<>(names);
    List<Secret> secrets = resolveAll(wanted);
    subscribed = wanted;
    respond(secrets, Versions.of(secrets));
  }

  private List<Secret> resolveAll(Set<String> names) throws SdsException {
    List<Secret> secrets = new ArrayList<>(names.size());
    for (String name : names) {
      secrets.add(resolver.resolve(proxy, name));
    }
    return secrets;
  }

  private void respond(List<Secret> secrets, String version) {
    String nonce = nextNonce();
    DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder()
        .setVersionInfo(version).setTypeUrl(TypeUrls.SECRET).setNonce(nonce);
    secrets.forEach(secret -> response.addResources(Any.pack(secret)));
    lastNonce = nonce;
    lastSent = Carried.of(version, secrets);
    rejection = null;
    send(response.build());
  }

  @Override
  synchronized List<Uptake> trustBundleUptake() {
    if (isClosed() || !started() || subscribed.stream().noneMatch(Material::isValidationContext)) {
      return List.of();
    }
    return List.of(uptake(acked == null ? null : acked.trustBundle()));
  }

  @Override
  synchronized List<Uptake> certificateUptake() {
    if (isClosed() || !started() || subscribed.stream().noneMatch(Material::isServiceCertificate)) {
      return List.of();
    }
    return List.of(uptake(acked == null ? null : acked.certificateChain()));
  }

  /** A state-of-the-world client holds what it last ACKed; the last response is ACKed, pending or NACKed. */
  private Uptake uptake(String held) {
    if (rejection != null) {
      return new Uptake(held, Uptake.State.REJECTED, rejection);
    }
    if (acked != lastSent) {
      return new Uptake(held, Uptake.State.PENDING, "version " + lastSent.version());
    }
    return new Uptake(held, Uptake.State.ACKED, acked.version());
  }
}

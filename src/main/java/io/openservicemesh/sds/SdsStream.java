package io.openservicemesh.sds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.schedule.LogThrottle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * What every SDS stream shares: the proxy it is bound to, serialized writes (gRPC's {@code onNext} is not
 * thread-safe, and pushes arrive from rotation threads while requests arrive from the transport), and the
 * instant after which the server closes it.
 *
 * @param <R> the response message type
 */
abstract class SdsStream<R> {

  private static final Logger LOG = Logger.getLogger(SdsStream.class.getName());

  protected final ProxyIdentity proxy;
  private final String serviceCommonName;
  protected final SecretLookup resolver;
  private final StreamObserver<R> responses;
  private final Instant closeAt;
  private final Runnable onClosed;
  protected final SdsMeter meter;
  private long nonceCounter;
  private boolean closed;
  private boolean started;
  /** The unanswered response the reaper last saw, and when it first saw it. */
  private String watchedResponse;
  private Instant watchedSince;

  /**
   * @param serviceCommonName the common name of the proxy's service certificate: the key under which a renewal
   *     of that certificate finds this stream
   */
  SdsStream(ProxyIdentity proxy, String serviceCommonName, SecretLookup resolver, StreamObserver<R> responses,
      Instant closeAt, Runnable onClosed) {
    this(proxy, serviceCommonName, resolver, responses, closeAt, onClosed, SdsMeter.NONE);
  }

  /** @param meter told of the stream's ACKs and NACKs */
  SdsStream(ProxyIdentity proxy, String serviceCommonName, SecretLookup resolver, StreamObserver<R> responses,
      Instant closeAt, Runnable onClosed, SdsMeter meter) {
    this.meter = meter;
    this.proxy = proxy;
    this.serviceCommonName = serviceCommonName;
    this.resolver = resolver;
    this.responses = responses;
    this.closeAt = closeAt;
    this.onClosed = onClosed;
  }

  ProxyIdentity proxy() {
    return proxy;
  }

  String serviceCommonName() {
    return serviceCommonName;
  }

  Instant closeAt() {
    return closeAt;
  }

  /** What the debug views show of this stream. */
  abstract StreamView view();

  /** Sends the current state again where it changed: called when a certificate or root changed. */
  abstract void refresh();

  /**
   * What the client has ACKed of the mesh roots: one entry per subscribed validation context that may differ,
   * none when the stream is not started or subscribes to no validation context. Takes the stream's lock briefly.
   */
  abstract List<Uptake> trustBundleUptake();

  /** What the client has ACKed of its service certificate chain, as {@link #trustBundleUptake()}. */
  abstract List<Uptake> certificateUptake();

  /**
   * When the reaper first saw this stream's client leave its latest response unanswered (neither ACKed nor
   * NACKed); null while every response is answered. Envoy answers within milliseconds; a client that does not is
   * stuck or gone, and a gone one is noticed only when the server writes again.
   *
   * @param now the reaper's time, kept when the response is first seen unanswered
   */
  synchronized Instant unansweredSince(Instant now) {
    String response = unanswered();
    if (response == null) {
      watchedResponse = null;
      return null;
    }
    if (!response.equals(watchedResponse)) {
      watchedResponse = response;
      watchedSince = now;
    }
    return watchedSince;
  }

  /** The response left unanswered, as "version V" or "response nonce N"; null when none is. */
  synchronized String unanswered() {
    for (List<Uptake> uptakes : List.of(trustBundleUptake(), certificateUptake())) {
      for (Uptake uptake : uptakes) {
        if (uptake.state() == Uptake.State.PENDING) {
          return uptake.about();
        }
      }
    }
    return null;
  }

  /**
   * Checks what every request must satisfy: the Secret type, and a node id matching the certificate (the
   * first request must carry one).
   *
   * @return true for the stream's first request
   */
  protected synchronized boolean admit(String typeUrl, boolean hasNode, Node node) throws SdsException {
    TypeUrls.check(typeUrl);
    if (!started) {
      NodeCheck.verifyFirst(hasNode, node, proxy);
      started = true;
      return true;
    }
    NodeCheck.verify(node, proxy);
    return false;
  }

  /** Whether the stream has had a valid first request, so there is state to refresh. */
  protected synchronized boolean started() {
    return started;
  }

  protected synchronized String nextNonce() {
    return Long.toString(++nonceCounter);
  }

  /**
   * Whether the stream is over; a stream the client reset is released here, since Liberty marks such a call
   * cancelled without telling the service until it next writes to it.
   */
  protected synchronized boolean isClosed() {
    if (!closed && resetByClient()) {
      released();
    }
    return closed;
  }

  private boolean resetByClient() {
    return responses instanceof ServerCallStreamObserver<R> call && call.isCancelled();
  }

  protected synchronized void send(R response) {
    if (closed) {
      return;
    }
    if (resetByClient()) {
      // The client reset the stream: writing now would only make the transport report a closed stream.
      released();
      return;
    }
    try {
      responses.onNext(response);
    } catch (RuntimeException e) {
      // The client went away: writing is how Liberty notices.
      LOG.fine(() -> "SDS stream of " + proxy.commonName() + " is gone: " + e);
      released();
    }
  }

  /** Ends the stream with an error status the client sees. */
  synchronized void fail(Status status) {
    if (closed) {
      return;
    }
    try {
      responses.onError(status.asRuntimeException());
    } catch (RuntimeException alreadyGone) {
      // Nothing to tell a client that left.
    }
    released();
  }

  /**
   * The client closed its side (it will send no more requests, so it can ACK nothing more): end the call cleanly
   * and forget the stream. A client left waiting would hold the call open until it gives up and resets it.
   */
  synchronized void completedByClient() {
    if (closed) {
      return;
    }
    try {
      responses.onCompleted();
    } catch (RuntimeException alreadyGone) {
      // Nothing to tell a client that left.
    }
    released();
  }

  /** The client reset the stream (or it broke): forget it without writing. */
  synchronized void released() {
    if (!closed) {
      closed = true;
      onClosed.run();
    }
  }

  protected void refuse(SdsException e) {
    warnRefused("request", proxy, e);
    fail(e.status());
  }

  /**
   * A proxy's certificate does not make its requests well-formed, and one pod can send many: a few warnings per
   * window say it happens, the rest are counted.
   */
  private static final LogThrottle REFUSALS = new LogThrottle(Duration.ofSeconds(10), 10);

  static void warnRefused(String what, ProxyIdentity proxy, SdsException e) {
    long suppressed = REFUSALS.permit();
    if (suppressed >= 0) {
      LOG.warning(() -> "SDS " + what + " of proxy " + proxy.commonName() + " refused (" + e.status().getCode()
          + "): " + e.getMessage() + LogThrottle.suppressedNote(suppressed));
    }
  }
}

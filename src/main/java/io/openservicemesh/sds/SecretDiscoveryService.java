package io.openservicemesh.sds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.identity.ProxyCertificates;
import io.openservicemesh.identity.ProxyIdentity;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's Secret Discovery Service (v3), served by Liberty's gRPC feature on the mutual-TLS port. Each call is
 * bound to the proxy its verified client certificate names ({@link ProxyIdentityInterceptor}); streams live in
 * {@link SdsStreams}, where certificate changes reach them.
 */
public class SecretDiscoveryService implements SecretDiscoveryServiceGrpc.AsyncService, BindableService {

  static final String SERVICE_NAME = "envoy.service.secret.v3.SecretDiscoveryService";
  /** Streams close at their maximum age minus up to this fraction, so a fleet does not reconnect at once. */
  private static final double STREAM_AGE_JITTER = 0.1;

  @Inject SdsConfiguration configuration;
  @Inject SecretResolver resolver;
  @Inject SdsStreams streams;
  @Inject ProxyPodVerifier podVerifier;
  @Inject SdsMeter meter;
  @Inject Clock clock;

  @Override
  public ServerServiceDefinition bindService() {
    return ServerInterceptors.intercept(UndecodableRequests.tolerated(SecretDiscoveryServiceGrpc.bindService(this)),
        new ProxyIdentityInterceptor(this::identify));
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamSecrets(StreamObserver<DiscoveryResponse> responses) {
    ProxyIdentity proxy = ProxyIdentityInterceptor.PROXY.get();
    if (!admitted(proxy, responses)) {
      return discardAll();
    }
    StateOfTheWorldStream[] self = new StateOfTheWorldStream[1];
    StateOfTheWorldStream stream = new StateOfTheWorldStream(
        proxy, serviceCommonName(proxy), resolver, responses, closeAt(), () -> streams.remove(self[0]), meter);
    self[0] = stream;
    streams.add(stream);
    return observer(stream::onRequest, stream);
  }

  @Override
  public StreamObserver<DeltaDiscoveryRequest> deltaSecrets(StreamObserver<DeltaDiscoveryResponse> responses) {
    ProxyIdentity proxy = ProxyIdentityInterceptor.PROXY.get();
    if (!admitted(proxy, responses)) {
      return discardAll();
    }
    DeltaStream[] self = new DeltaStream[1];
    DeltaStream stream = new DeltaStream(
        proxy, serviceCommonName(proxy), resolver, responses, closeAt(), () -> streams.remove(self[0]), meter);
    self[0] = stream;
    streams.add(stream);
    return observer(stream::onRequest, stream);
  }

  @Override
  public void fetchSecrets(DiscoveryRequest request, StreamObserver<DiscoveryResponse> responses) {
    ProxyIdentity proxy = ProxyIdentityInterceptor.PROXY.get();
    try {
      UndecodableRequests.check(request);
      TypeUrls.check(request.getTypeUrl());
      NodeCheck.verifyFirst(request.hasNode(), request.getNode(), proxy);
      verifyPod(proxy);
      List<Secret> secrets = new ArrayList<>();
      for (String name : request.getResourceNamesList()) {
        secrets.add(resolver.resolve(proxy, name));
      }
      DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder()
          .setVersionInfo(Versions.of(secrets)).setTypeUrl(TypeUrls.SECRET);
      secrets.forEach(secret -> response.addResources(Any.pack(secret)));
      responses.onNext(response.build());
      responses.onCompleted();
    } catch (SdsException e) {
      SdsStream.warnRefused("fetch", proxy, e);
      responses.onError(e.status().asRuntimeException());
    }
  }

  private ProxyIdentity identify(X509Certificate certificate) {
    MeshSettings settings;
    try {
      settings = configuration.settings();
    } catch (SdsException notReady) {
      throw new IllegalArgumentException(notReady.getMessage());
    }
    return ProxyCertificates.identityOf(certificate, settings.trustDomain());
  }

  private boolean admitted(ProxyIdentity proxy, StreamObserver<?> responses) {
    try {
      verifyPod(proxy);
      return true;
    } catch (SdsException e) {
      SdsStream.warnRefused("stream", proxy, e);
      responses.onError(e.status().asRuntimeException());
      return false;
    }
  }

  private void verifyPod(ProxyIdentity proxy) throws SdsException {
    if (configuration.settings().sds().verifyProxyPod()) {
      podVerifier.verify(proxy);
    }
  }

  /** The name a renewal of the proxy's service certificate is announced under. */
  private String serviceCommonName(ProxyIdentity proxy) {
    return configuration.current().map(s -> proxy.service().commonName(s.trustDomain())).orElse("");
  }

  private Instant closeAt() {
    Duration maxAge = configuration.current().map(s -> s.sds().maxStreamAge()).orElse(Duration.ofMinutes(30));
    long jitter = (long) (maxAge.toMillis() * STREAM_AGE_JITTER * ThreadLocalRandom.current().nextDouble());
    return clock.instant().plus(maxAge).minusMillis(jitter);
  }

  private static <Q extends Message> StreamObserver<Q> observer(java.util.function.Consumer<Q> onRequest,
      SdsStream<?> stream) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Q request) {
        try {
          UndecodableRequests.check(request);
        } catch (SdsException undecodable) {
          stream.refuse(undecodable);
          return;
        }
        onRequest.accept(request);
      }

      @Override
      public void onError(Throwable t) {
        stream.released();
      }

      @Override
      public void onCompleted() {
        stream.completedByClient();
      }
    };
  }

  private static <Q> StreamObserver<Q> discardAll() {
    return new StreamObserver<>() {
      @Override
      public void onNext(Q request) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}

package io.openservicemesh.it.sds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.openservicemesh.certificate.Certificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client that talks SDS the way Envoy does: mutual TLS with its xDS bootstrap certificate, the node on
 * the first request, ACKs and NACKs echoing the last nonce. Responses and the stream's end are queued so a
 * test can take them in order.
 */
public final class EnvoyLikeClient implements AutoCloseable {

  static final String SECRET_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
  static final Duration WAIT = Duration.ofSeconds(15);

  private final ManagedChannel channel;

  private EnvoyLikeClient(ManagedChannel channel) {
    this.channel = channel;
  }

  /** Mutual TLS with the given client certificate (or none), trusting the mesh CA. */
  static EnvoyLikeClient connect(int port, Certificate clientCertificate, String meshCaPem, ClientInterceptor... extra)
      throws Exception {
    return connect(port, clientCertificate, meshCaPem, io.openservicemesh.it.TestCluster.OSM_NAMESPACE, extra);
  }

  /** The same, to the control plane of another OSM namespace (its serving certificate names that). */
  public static EnvoyLikeClient connect(int port, Certificate clientCertificate, String meshCaPem, String osmNamespace,
      ClientInterceptor... extra) throws Exception {
    SslContextBuilder tls = GrpcSslContexts.forClient().trustManager(stream(meshCaPem));
    if (clientCertificate != null) {
      tls.keyManager(stream(clientCertificate.certificateChainPem()), stream(clientCertificate.privateKeyPem()));
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port)
        .overrideAuthority("osm-controller." + osmNamespace + ".svc")
        .sslContext(tls.build())
        .intercept(extra)
        .build();
    return new EnvoyLikeClient(channel);
  }

  /** A plaintext (h2c) channel, as a client that skips TLS would use. */
  static EnvoyLikeClient plaintext(int port, ClientInterceptor... extra) {
    return new EnvoyLikeClient(NettyChannelBuilder.forAddress("localhost", port).usePlaintext().intercept(extra).build());
  }

  static ClientInterceptor header(String name, String value) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
    return MetadataUtils.newAttachHeadersInterceptor(metadata);
  }

  /** For calls made below the stubs, such as bytes no stub would send. */
  ManagedChannel channel() {
    return channel;
  }

  SotwStream streamSecrets() {
    SotwStream stream = new SotwStream();
    stream.requests = SecretDiscoveryServiceGrpc.newStub(channel).streamSecrets(stream.observer());
    return stream;
  }

  DeltaSds deltaSecrets() {
    DeltaSds stream = new DeltaSds();
    stream.requests = SecretDiscoveryServiceGrpc.newStub(channel).deltaSecrets(stream.observer());
    return stream;
  }

  public DiscoveryResponse fetch(DiscoveryRequest request) {
    return SecretDiscoveryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
        .fetchSecrets(request);
  }

  public static DiscoveryRequest.Builder request(String nodeId, List<String> names) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setTypeUrl(SECRET_TYPE).addAllResourceNames(names);
    if (nodeId != null) {
      request.setNode(Node.newBuilder().setId(nodeId).setCluster("test"));
    }
    return request;
  }

  /** Kills the connection without a goodbye on the stream, as a crashed Envoy would. */
  void kill() {
    channel.shutdownNow();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
  }

  /** Responses, and finally the status the stream ended with, in arrival order. */
  abstract static class Recording<R, Q> {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    StreamObserver<Q> requests;

    StreamObserver<R> observer() {
      return new StreamObserver<>() {
        @Override
        public void onNext(R value) {
          events.add(value);
        }

        @Override
        public void onError(Throwable t) {
          events.add(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          events.add(Status.OK);
        }
      };
    }

    void send(Q request) {
      requests.onNext(request);
    }

    R next() throws InterruptedException {
      return next(WAIT);
    }

    @SuppressWarnings("unchecked")
    R next(Duration wait) throws InterruptedException {
      Object event = take(wait);
      if (event instanceof Status status) {
        throw new AssertionError("expected a response, the stream ended: " + status);
      }
      return (R) event;
    }

    Status end() throws InterruptedException {
      Object event = take(WAIT);
      if (event instanceof Status status) {
        return status;
      }
      throw new AssertionError("expected the stream to end, got a response: " + event);
    }

    private Object take(Duration wait) throws InterruptedException {
      Object event = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        throw new AssertionError("nothing arrived within " + wait);
      }
      return event;
    }
  }

  static final class SotwStream extends Recording<DiscoveryResponse, DiscoveryRequest> {}

  static final class DeltaSds extends Recording<DeltaDiscoveryResponse, DeltaDiscoveryRequest> {}

  static Status statusOf(Runnable call) {
    try {
      call.run();
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }
}

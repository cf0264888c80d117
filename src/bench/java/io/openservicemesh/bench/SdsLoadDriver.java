package io.openservicemesh.bench;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.Config;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.store.CaBundleSecretStore;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.LocalDirectoryCaBundleStore;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.testing.ServerHeap;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds many Envoy-like SDS streams open against a running control plane and measures what one server can
 * carry: the time to open them all, the server's heap per stream (through jcmd on the server's pid), and the
 * time a renewed service certificate takes to reach every stream of its identity.
 *
 * <p>Each connection is one proxy, with its own bootstrap certificate. With one identity (the default) every
 * stream belongs to it, so the renewal of its certificate pushes to all streams: the same fan-out as a root
 * change, which has no trigger from outside the server. With more, connection {@code c} is a proxy of identity
 * {@code c % identities}: a mesh's shape, where opening the streams is issuance plus delivery. With a leave wait,
 * every connection is closed at the end and the server's heap is read again after that long (the identities'
 * release grace and a reaper pass): what the identities cost once they have left. With
 * {@code -Dbench.rootChange=true} it waits instead for a root rotation started from outside and reports when
 * each stream saw each of its steps. The bootstrap certificates are issued here from the CA bundle in
 * {@code caDirectory} (the standalone server's directory store, or a copy of the CA Secret), as the injector would
 * issue them. Loopback only; every wait is bounded.
 *
 * <pre>
 * java -cp ... io.openservicemesh.bench.SdsLoadDriver port caDirectory|secret:ns/name serverPid streams connections
 *     pushWaitSeconds [identities [leaveWaitSeconds]]
 * </pre>
 */
public final class SdsLoadDriver {

  private static final String TRUST_DOMAIN = "cluster.local";
  private static final String OSM_NAMESPACE = "osm-system";
  private static final String SECRET_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
  /** The server's gauge of open streams in the Prometheus text format, labels or not. */
  private static final Pattern OPEN_STREAMS = Pattern.compile("osm_sds_streams(?:\\{[^}]*})?\\s+(\\S+)");
  /** The HTTP/2 window of a stalled client: smaller than one response, so the server cannot finish writing it. */
  private static final int STALLED_WINDOW = 1024;
  /** Streams opened before waiting for their first responses: keeps the handshakes from piling up. */
  private static final int OPEN_BATCH = 500;

  private SdsLoadDriver() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 6 || args.length > 8) {
      System.err.println("usage: SdsLoadDriver port caDirectory|secret:ns/name serverPid streams connections"
          + " pushWaitSeconds [identities [leaveWaitSeconds]]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    long serverPid = Long.parseLong(args[2]);
    int streams = Integer.parseInt(args[3]);
    int connections = Integer.parseInt(args[4]);
    Duration pushWait = Duration.ofSeconds(Long.parseLong(args[5]));
    int identities = args.length > 6 ? Integer.parseInt(args[6]) : 1;
    Duration leaveWait = Duration.ofSeconds(args.length > 7 ? Long.parseLong(args[7]) : 0);
    if (identities > connections) {
      throw new IllegalArgumentException("each connection is one proxy of one identity: " + identities
          + " identities need at least as many connections");
    }
    if ((streams + connections - 1) / connections > 100) {
      throw new IllegalArgumentException("at most 100 streams per connection (the server's HTTP/2 limit): raise"
          + " connections to at least " + (streams + 99) / 100);
    }

    CaBundleStore caStore = caStore(args[1]);
    StoredCaBundle stored = caStore.load()
        .orElseThrow(() -> new IllegalStateException("no CA bundle in " + caStore.location() + "; is the server up?"));
    CaBundle ca = CaBundleCodec.decode(stored, caStore.location(), Instant.now());
    TresorIssuer issuer = new TresorIssuer(ca, Clock.systemUTC(), Duration.ofMinutes(1));
    MeshCertificateSpecs specs =
        new MeshCertificateSpecs(TRUST_DOMAIN, OSM_NAMESPACE, Duration.ofHours(1), KeySpec.ECDSA_P256);

    long heapBefore = usedHeapAfterGc(serverPid, "before");
    List<ManagedChannel> channels = new ArrayList<>();
    List<Proxy> proxies = new ArrayList<>();
    List<Certificate> bootstraps = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      ProxyIdentity identity =
          new ProxyIdentity(UUID.randomUUID(), new ServiceIdentity("bench-" + c % identities, "bench"));
      Certificate bootstrap = issuer.issue(specs.xdsBootstrap(identity));
      bootstraps.add(bootstrap);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
          .overrideAuthority("osm-controller." + OSM_NAMESPACE + ".svc")
          .sslContext(GrpcSslContexts.forClient()
              .trustManager(stream(stored.caCrt()))
              .keyManager(stream(bootstrap.certificateChainPem()), stream(bootstrap.privateKeyPem()))
              .build())
          .build();
      channels.add(channel);
      String account = identity.service().namespace() + "/" + identity.service().serviceAccount();
      proxies.add(new Proxy(identity.commonName(), channel,
          List.of("service-cert:" + account, "root-cert-for-mtls-inbound:" + account)));
    }

    // Stalled clients: subscribed like the others, but they never read, behind a flow-control window smaller
    // than one response. Every push to them backs up at the server; the healthy streams' figures say whether it
    // delays anything else.
    int stalledCount = Integer.getInteger("bench.stalled", 0);
    for (int i = 0; i < stalledCount; i++) {
      Proxy like = proxies.get(i % connections);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
          .overrideAuthority("osm-controller." + OSM_NAMESPACE + ".svc")
          .flowControlWindow(STALLED_WINDOW)
          .sslContext(GrpcSslContexts.forClient()
              .trustManager(stream(stored.caCrt()))
              .keyManager(stream(bootstraps.get(i % connections).certificateChainPem()),
                  stream(bootstraps.get(i % connections).privateKeyPem()))
              .build())
          .build();
      channels.add(channel);
      stall(new Proxy(like.nodeId(), channel, like.names()));
    }
    if (stalledCount > 0) {
      report("stalled streams (never read, " + STALLED_WINDOW + "-byte window)", stalledCount);
    }

    Stream[] all = new Stream[streams];
    long openStarted = System.nanoTime();
    for (int from = 0; from < streams; from += OPEN_BATCH) {
      int to = Math.min(streams, from + OPEN_BATCH);
      CountDownLatch answered = new CountDownLatch(to - from);
      for (int i = from; i < to; i++) {
        all[i] = new Stream(proxies.get(i % connections), answered);
        all[i].open();
      }
      if (!answered.await(120, TimeUnit.SECONDS)) {
        report("streams answered", count(all, to, s -> s.responses.get() > 0));
        throw new IllegalStateException("streams " + from + ".." + to + " not all answered within 120 s");
      }
    }
    double openSeconds = (System.nanoTime() - openStarted) / 1e9;
    report("streams open", streams);
    report("connections", connections);
    report("identities", identities);
    long[] firstAnswers = Arrays.stream(all).filter(s -> s.firstAnswerNanos.get() > 0)
        .mapToLong(s -> s.firstAnswerNanos.get()).sorted().toArray();
    report("first answer after open p50 (ms)", firstAnswers[firstAnswers.length / 2] / 1_000_000);
    report("first answer after open p99 (ms)", firstAnswers[(int) (firstAnswers.length * 0.99)] / 1_000_000);
    report("open all (s)", String.format(Locale.ROOT, "%.1f", openSeconds));
    report("opened per second", String.format(Locale.ROOT, "%.0f", streams / openSeconds));
    int failedEarly = count(all, streams, s -> s.failed != null);
    report("streams failed while opening", failedEarly);

    reportServerStreams("with the streams open");
    long heapAfter = usedHeapAfterGc(serverPid, "after");
    report("server heap used before (MiB)", heapBefore >> 20);
    report("server heap used with streams (MiB)", heapAfter >> 20);
    report("heap per stream (KiB)", String.format(Locale.ROOT, "%.1f", (heapAfter - heapBefore) / 1024.0 / streams));

    if (Boolean.getBoolean("bench.rootChange")) {
      watchRootChange(all, pushWait);
      return;
    }

    // The push: every stream has had its first answer; the next one is the renewed certificate.
    for (Stream s : all) {
      s.baseline = s.responses.get();
    }
    long waitStarted = System.nanoTime();
    long deadline = waitStarted + pushWait.toNanos();
    while (System.nanoTime() < deadline && count(all, streams, Stream::pushed) < streams) {
      TimeUnit.MILLISECONDS.sleep(100); // a bounded poll of the streams' state, not synchronisation
    }
    long[] arrivals = Arrays.stream(all).filter(Stream::pushed).mapToLong(s -> s.pushedAt.get()).sorted().toArray();
    report("streams that got the renewed certificate", arrivals.length + " of " + streams);
    if (arrivals.length > 0) {
      long first = arrivals[0];
      report("waited for the renewal (s)", String.format(Locale.ROOT, "%.1f", (first - waitStarted) / 1e9));
      report("push to all: first to last arrival (ms)", (arrivals[arrivals.length - 1] - first) / 1_000_000);
      report("push p50 after first (ms)", (arrivals[arrivals.length / 2] - first) / 1_000_000);
      report("push p99 after first (ms)", (arrivals[(int) (arrivals.length * 0.99)] - first) / 1_000_000);
    }
    report("streams failed", count(all, streams, s -> s.failed != null));
    reportServerStreams("after the push");

    long closeStarted = System.nanoTime();
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(30, TimeUnit.SECONDS);
    }
    report("client close all (s)", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - closeStarted) / 1e9));
    if (!leaveWait.isZero()) {
      TimeUnit.SECONDS.sleep(leaveWait.toSeconds()); // the server's release grace, a fixed span by design
      long heapLeft = usedHeapAfterGc(serverPid, "left");
      report("server heap used after every identity left (MiB)", heapLeft >> 20);
      report("heap kept per identity after leaving (KiB)",
          String.format(Locale.ROOT, "%.1f", (heapLeft - heapBefore) / 1024.0 / identities));
    }
  }

  private record Proxy(String nodeId, ManagedChannel channel, List<String> names) {}

  /** One SotW stream that asks for its service certificate and inbound roots and ACKs every response. */
  private static final class Stream {
    private final Proxy proxy;
    private final CountDownLatch answered;
    final AtomicInteger responses = new AtomicInteger();
    final AtomicLong pushedAt = new AtomicLong();
    /** Nanoseconds from opening the stream to its first response: issuance (a new identity) plus delivery. */
    final AtomicLong firstAnswerNanos = new AtomicLong();
    private long openedAt;
    volatile int baseline = Integer.MAX_VALUE;
    volatile Throwable failed;
    final RootChangeSeen rootChange = new RootChangeSeen();
    private StreamObserver<DiscoveryRequest> requests;

    Stream(Proxy proxy, CountDownLatch answered) {
      this.proxy = proxy;
      this.answered = answered;
    }

    void open() {
      openedAt = System.nanoTime();
      requests = SecretDiscoveryServiceGrpc.newStub(proxy.channel()).streamSecrets(new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryResponse response) {
          // Responses of one call arrive one at a time, so the ACK below never races another send.
          requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(SECRET_TYPE).addAllResourceNames(proxy.names())
              .setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce()).build());
          rootChange.saw(response);
          int n = responses.incrementAndGet();
          if (n == 1) {
            firstAnswerNanos.set(System.nanoTime() - openedAt);
            answered.countDown();
          } else if (n > baseline) {
            pushedAt.compareAndSet(0, System.nanoTime());
          }
        }

        @Override
        public void onError(Throwable t) {
          failed = t;
          answered.countDown();
        }

        @Override
        public void onCompleted() {
          failed = new IllegalStateException("the server completed the stream");
          answered.countDown();
        }
      });
      requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(SECRET_TYPE).addAllResourceNames(proxy.names())
          .setNode(Node.newBuilder().setId(proxy.nodeId()).setCluster("bench")).build());
    }

    boolean pushed() {
      return pushedAt.get() != 0;
    }
  }

  /**
   * A root rotation the benchmark starts from outside once the streams are held (it prints "streams held" and
   * waits): when each stream received the bundle of both roots, a certificate re-issued after that, and the bundle
   * of the new root alone. Reported as wall-clock instants, to set beside the server's log of each step.
   */
  private static void watchRootChange(Stream[] all, Duration wait) throws InterruptedException {
    report("streams held", all.length);
    System.out.flush();
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline
        && count(all, all.length, s -> s.rootChange.newRootOnly != null) < all.length) {
      TimeUnit.MILLISECONDS.sleep(100); // a bounded poll of the streams' state, not synchronisation
    }
    reportSpread("got the bundle of both roots", all, s -> s.rootChange.bothRoots);
    reportSpread("got a certificate re-issued after it", all, s -> s.rootChange.reissued);
    reportSpread("got the bundle of the new root alone", all, s -> s.rootChange.newRootOnly);
    report("streams failed", count(all, all.length, s -> s.failed != null));
  }

  private static void reportSpread(String what, Stream[] all, Function<Stream, Instant> when) {
    Instant[] at = Arrays.stream(all).map(when).filter(Objects::nonNull).sorted().toArray(Instant[]::new);
    report("streams that " + what, at.length + " of " + all.length);
    if (at.length > 0) {
      report("  first at", at[0]);
      report("  p50 after first (ms)", Duration.between(at[0], at[at.length / 2]).toMillis());
      report("  p99 after first (ms)", Duration.between(at[0], at[(int) (at.length * 0.99)]).toMillis());
      report("  last after first (ms)", Duration.between(at[0], at[at.length - 1]).toMillis());
    }
  }

  /**
   * What one stream has seen of a root change, from the number of roots in its validation context (no parsing:
   * counting PEM blocks is enough to tell one root from two) and the certificates pushed after both arrived.
   */
  private static final class RootChangeSeen {
    volatile Instant bothRoots;
    volatile Instant reissued;
    volatile Instant newRootOnly;

    void saw(DiscoveryResponse response) {
      for (Any resource : response.getResourcesList()) {
        Secret secret;
        try {
          secret = resource.unpack(Secret.class);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("the server sent a resource that is not a Secret", e);
        }
        Instant now = Instant.now();
        if (secret.hasValidationContext()) {
          int roots = pemBlocks(secret.getValidationContext().getTrustedCa().getInlineString());
          if (roots == 2 && bothRoots == null) {
            bothRoots = now;
          } else if (roots == 1 && bothRoots != null && newRootOnly == null) {
            newRootOnly = now;
          }
        } else if (secret.hasTlsCertificate() && bothRoots != null && reissued == null) {
          reissued = now;
        }
      }
    }

    private static int pemBlocks(String pem) {
      int count = 0;
      for (int at = pem.indexOf("-----BEGIN CERTIFICATE-----"); at >= 0;
          at = pem.indexOf("-----BEGIN CERTIFICATE-----", at + 1)) {
        count++;
      }
      return count;
    }
  }

  /**
   * The server's own count of open SDS streams ({@code osm_sds_streams} at {@code -Dbench.metricsUrl}): whether
   * it released the streams it should have, e.g. a stalled client's once it left a response unanswered.
   */
  private static void reportServerStreams(String when) throws Exception {
    String url = System.getProperty("bench.metricsUrl");
    if (url == null) {
      return;
    }
    // HTTP/1.1: the JDK client's h2c upgrade request gets an empty body from Liberty's plain HTTP port.
    String metrics = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    metrics.lines().map(OPEN_STREAMS::matcher).filter(Matcher::matches).findFirst()
        .ifPresent(sample -> report("server's open streams " + when, sample.group(1)));
  }

  /**
   * Opens a stream that asks for its secrets and then never reads: no message is ever requested from the
   * transport, so the window is never opened again and the server's writes back up.
   */
  private static void stall(Proxy proxy) {
    ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> never = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> call) {
        call.disableAutoRequestWithInitial(0);
      }

      @Override
      public void onNext(DiscoveryResponse response) {
        throw new IllegalStateException("a stalled client requested nothing");
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
    SecretDiscoveryServiceGrpc.newStub(proxy.channel()).streamSecrets(never)
        .onNext(DiscoveryRequest.newBuilder().setTypeUrl(SECRET_TYPE).addAllResourceNames(proxy.names())
            .setNode(Node.newBuilder().setId(proxy.nodeId()).setCluster("bench")).build());
  }

  /**
   * Where the server keeps its root: a directory store, or {@code secret:<namespace>/<name>} for a server that
   * keeps it in a Kubernetes API (read through {@code KUBECONFIG}).
   */
  private static CaBundleStore caStore(String source) throws Exception {
    if (!source.startsWith("secret:")) {
      return new LocalDirectoryCaBundleStore(Path.of(source));
    }
    String[] name = source.substring("secret:".length()).split("/", 2);
    ApiClient client = Config.fromConfig(System.getenv("KUBECONFIG"));
    return new CaBundleSecretStore(new CoreV1Api(client), name[0], name[1]);
  }

  private static int count(Stream[] streams, int upTo, java.util.function.Predicate<Stream> condition) {
    int n = 0;
    for (int i = 0; i < upTo; i++) {
      if (streams[i] != null && condition.test(streams[i])) {
        n++;
      }
    }
    return n;
  }

  /** The server's used heap after a full collection; its class histogram kept on disk for reading later. */
  private static long usedHeapAfterGc(long pid, String label) throws Exception {
    Path histogram = Path.of("target", "bench", "class-histogram-" + label + ".txt");
    Files.createDirectories(histogram.getParent());
    long used = ServerHeap.usedAfterGc(pid);
    Files.writeString(histogram, ServerHeap.jcmd(pid, "GC.class_histogram"));
    return used;
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
  }

  private static void report(String what, Object value) {
    System.out.println("SDS | " + what + " | " + value);
  }
}

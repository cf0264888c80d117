package io.openservicemesh.sds;

import static io.openservicemesh.sds.SdsRequests.PROXY;
import static io.openservicemesh.sds.SdsRequests.SERVICE_CN;
import static io.openservicemesh.sds.SdsRequests.answering;
import static io.openservicemesh.sds.SdsRequests.first;
import static io.openservicemesh.sds.SdsRequests.firstDelta;
import static io.openservicemesh.sds.SdsRequests.secrets;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.testing.LogCapture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pushes (rotation threads calling refresh) and requests (the transport calling onRequest) reach one stream at
 * the same time. gRPC's observer is not thread-safe, so the stream must write from one thread at a time, and
 * the nonces a client sees must increase, or an ACK could be matched to the wrong response.
 */
class SdsStreamConcurrencyTest {

  private static final String CERT = "service-cert:bookstore/bookbuyer";
  private static final String INBOUND = "root-cert-for-mtls-inbound:bookstore/bookbuyer";
  private static final int THREADS = 6;
  private static final int ITERATIONS = 150;
  private static final long TIMEOUT_SECONDS = 20;

  private final LogCapture log = LogCapture.of("io.openservicemesh.sds");
  private final FakeSecrets lookup = new FakeSecrets().put(CERT, "cert 0").put(INBOUND, "roots 0");
  private final AtomicLong generation = new AtomicLong();
  private final AtomicInteger closedCallbacks = new AtomicInteger();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("threads finished").isTrue();
    log.close();
  }

  @Test
  void stateOfTheWorldStreamWritesFromOneThreadAtATimeWithIncreasingNonces() throws Exception {
    RecordingObserver<DiscoveryResponse> client = new RecordingObserver<>();
    StateOfTheWorldStream stream = new StateOfTheWorldStream(
        PROXY, SERVICE_CN, lookup, client, Instant.parse("2030-01-01T00:00:00Z"), closedCallbacks::incrementAndGet);
    stream.onRequest(first(CERT).build());

    runConcurrently(thread -> {
      for (int i = 0; i < ITERATIONS; i++) {
        switch (thread % 3) {
          case 0 -> {
            lookup.put(CERT, "cert " + generation.incrementAndGet());
            stream.refresh();
          }
          case 1 -> {
            lookup.put(INBOUND, "roots " + generation.incrementAndGet());
            stream.refresh();
          }
          default -> {
            // Envoy answering whatever it saw last: ACKs, NACKs, and subscription changes, some of them stale.
            DiscoveryResponse seen = client.last();
            DiscoveryRequest.Builder request = i % 2 == 0 ? answering(seen, CERT) : answering(seen, CERT, INBOUND);
            if (i % 5 == 0) {
              request.setErrorDetail(Status.newBuilder().setMessage("rejected"));
            }
            stream.onRequest(request.build());
          }
        }
      }
    });

    assertThat(client.mostWritersAtOnce()).as("threads inside onNext at once").isOne();
    assertThat(client.errors()).isEmpty();
    assertThat(closedCallbacks).hasValue(0);
    assertStrictlyIncreasing(client.responses().stream().map(DiscoveryResponse::getNonce).toList());

    // No push was lost: once the dust settles, what the client last got is the current content.
    stream.refresh();
    DiscoveryResponse last = client.last();
    List<String> names = secrets(last).stream().map(Secret::getName).toList();
    assertThat(secrets(last)).containsExactlyElementsOf(lookup.current(names));
    assertThat(last.getVersionInfo()).isEqualTo(Versions.of(lookup.current(names)));
  }

  @Test
  void deltaStreamWritesFromOneThreadAtATimeWithIncreasingNonces() throws Exception {
    RecordingObserver<DeltaDiscoveryResponse> client = new RecordingObserver<>();
    DeltaStream stream = new DeltaStream(
        PROXY, SERVICE_CN, lookup, client, Instant.parse("2030-01-01T00:00:00Z"), closedCallbacks::incrementAndGet);
    stream.onRequest(firstDelta(CERT).build());

    runConcurrently(thread -> {
      for (int i = 0; i < ITERATIONS; i++) {
        switch (thread % 3) {
          case 0 -> {
            lookup.put(CERT, "cert " + generation.incrementAndGet());
            stream.refresh();
          }
          case 1 -> {
            lookup.put(INBOUND, "roots " + generation.incrementAndGet());
            stream.refresh();
          }
          default -> {
            DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(TypeUrls.SECRET).setResponseNonce(client.last().getNonce());
            if (i % 2 == 0) {
              request.addResourceNamesSubscribe(INBOUND);
            } else {
              request.addResourceNamesUnsubscribe(INBOUND);
            }
            stream.onRequest(request.build());
          }
        }
      }
    });

    assertThat(client.mostWritersAtOnce()).as("threads inside onNext at once").isOne();
    assertThat(client.errors()).isEmpty();
    assertThat(closedCallbacks).hasValue(0);
    assertStrictlyIncreasing(client.responses().stream().map(DeltaDiscoveryResponse::getNonce).toList());
  }

  /** Runs the body on every thread, all released at once; fails on the first exception of any. */
  private void runConcurrently(IntConsumer body) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    for (int thread = 0; thread < THREADS; thread++) {
      int index = thread;
      running.add(pool.submit(() -> {
        start.await();
        body.accept(index);
        return null;
      }));
    }
    start.countDown();
    for (Future<?> future : running) {
      future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static void assertStrictlyIncreasing(List<String> nonces) {
    assertThat(nonces).hasSizeGreaterThan(THREADS);
    List<Long> values = nonces.stream().map(Long::parseLong).toList();
    for (int i = 1; i < values.size(); i++) {
      assertThat(values.get(i)).as("nonce %d of %d", i, values.size()).isGreaterThan(values.get(i - 1));
    }
  }
}

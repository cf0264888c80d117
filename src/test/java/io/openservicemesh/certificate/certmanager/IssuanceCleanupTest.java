package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.openapi.ApiClient;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.schedule.Sleeper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deleting an issuance's requests against an API server that answers as scripted. */
class IssuanceCleanupTest {

  private static final String ISSUANCE = "3f0c1d7e-0000-4000-8000-000000000001";

  /** One scripted answer: a status and, for 429, the Retry-After header. */
  private record Answer(int status, String retryAfter) {}

  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Duration> waits = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();
  private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private final Logger log = Logger.getLogger(IssuanceCleanup.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      warnings.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private HttpServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + "?"
          + exchange.getRequestURI().getQuery());
      Answer answer = script.isEmpty() ? new Answer(200, null) : script.poll();
      String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"code\":" + answer.status()
          + ",\"status\":\"" + (answer.status() == 200 ? "Success" : "Failure") + "\"}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      if (answer.retryAfter() != null) {
        exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
      }
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    log.addHandler(capture);
  }

  @AfterEach
  void stopServer() {
    log.removeHandler(capture);
    server.stop(0);
    Thread.interrupted();
  }

  /** Three attempts; backoff ceilings 100, 200 ms with jitter 0.5, so waits of 75 and 150 ms. */
  private IssuanceCleanup cleanup(Sleeper sleeper) {
    ApiClient client = new ApiClient().setBasePath("http://127.0.0.1:" + server.getAddress().getPort());
    ApiRetry retry = new ApiRetry(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)), () -> 0.5, sleeper);
    IssuanceListener listener = new IssuanceListener() {
      @Override
      public void requestsDeleted(String issuanceId) {
        deleted.add(issuanceId);
      }
    };
    return new IssuanceCleanup(
        new CertificateRequestClient(client, "osm-system"), Duration.ofSeconds(5), 3, retry, listener);
  }

  private IssuanceCleanup cleanup() {
    return cleanup(waits::add);
  }

  @Test
  void deletesTheIssuancesRequestsByItsLabel() {
    assertThat(cleanup().delete(ISSUANCE, "bookstore.bookstore.cluster.local")).isTrue();

    assertThat(requests).singleElement().satisfies(request -> assertThat(request)
        .startsWith("DELETE /apis/cert-manager.io/v1/namespaces/osm-system/certificaterequests")
        .endsWith("?labelSelector=openservicemesh.io/issuance=" + ISSUANCE));
    assertThat(deleted).containsExactly(ISSUANCE);
    assertThat(waits).isEmpty();
  }

  @Test
  void passingFaultsAreTriedAgainAfterABackoff() {
    script.add(new Answer(503, null));
    script.add(new Answer(500, null));

    assertThat(cleanup().delete(ISSUANCE, "bookstore")).isTrue();

    assertThat(requests).hasSize(3);
    assertThat(waits).containsExactly(Duration.ofMillis(75), Duration.ofMillis(150));
    assertThat(deleted).containsExactly(ISSUANCE);
  }

  @Test
  void theServersRetryAfterIsHonoured() {
    script.add(new Answer(429, "3"));

    assertThat(cleanup().delete(ISSUANCE, "bookstore")).isTrue();

    assertThat(waits).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aRefusalIsNotTriedAgainAndIsReportedWithTheCommandThatFinishesTheJob() {
    script.add(new Answer(403, null));

    assertThat(cleanup().delete(ISSUANCE, "bookstore")).isFalse();

    assertThat(requests).hasSize(1);
    assertThat(waits).isEmpty();
    assertThat(deleted).isEmpty();
    assertThat(warnings).singleElement().asString()
        .contains("issuance " + ISSUANCE + " for bookstore")
        .contains("the Kubernetes API answered 403")
        .contains("kubectl delete certificaterequests -n osm-system -l openservicemesh.io/issuance=" + ISSUANCE);
  }

  @Test
  void givesUpAfterItsAttempts() {
    for (int i = 0; i < 4; i++) {
      script.add(new Answer(503, null));
    }

    assertThat(cleanup().delete(ISSUANCE, "bookstore")).isFalse();

    assertThat(requests).hasSize(3);
    assertThat(waits).hasSize(2);
    assertThat(warnings).singleElement().asString().contains("the Kubernetes API answered 503");
  }

  @Test
  void anInterruptWhileWaitingStopsTheRetriesReportsTheFailureAndIsKept() {
    script.add(new Answer(503, null));
    Sleeper interrupted = wait -> {
      throw new InterruptedException();
    };

    assertThat(cleanup(interrupted).delete(ISSUANCE, "bookstore")).isFalse();

    assertThat(requests).hasSize(1);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(warnings).singleElement().asString().contains("the Kubernetes API answered 503");
  }

  @Test
  void aPendingInterruptIsHeldBackWhileDeletingAndRestoredAfter() {
    Thread.currentThread().interrupt();

    assertThat(cleanup().delete(ISSUANCE, "bookstore")).isTrue();

    assertThat(requests).hasSize(1);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }
}

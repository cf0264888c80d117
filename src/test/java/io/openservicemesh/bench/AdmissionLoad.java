package io.openservicemesh.bench;

import io.openservicemesh.testing.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load driver for the injector webhook (not part of the build's tests): sends AdmissionReviews for pod
 * creation straight to a running control plane, as an API server would, and reports latency percentiles and
 * throughput. Every request is a full injection (bootstrap certificate, Secret written to the Kubernetes API).
 *
 * <pre>
 *   closed loop:  AdmissionLoad URL CA_PEM NAMESPACES closed CONCURRENCY REQUESTS
 *   fixed rate:   AdmissionLoad URL CA_PEM NAMESPACES rate PER_SECOND SECONDS
 * </pre>
 * NAMESPACES is one namespace or several, comma-separated, taken in turn: the injector makes at most 10 bootstrap
 * Secrets per second in one namespace after a burst of 100 (SecretCreationLimit), so a sustained rate above that
 * is a cluster's, spread over namespaces. Each must exist, carry the label openservicemesh.io/monitored-by and the
 * annotation openservicemesh.io/sidecar-injection=enabled. Only loopback or the
 * operator's own test hosts are meant as targets; the run is bounded by its request count or duration.
 */
public final class AdmissionLoad {

  /** Dry runs measure the webhook's own work: no certificate is issued and no Secret written. */
  private static boolean dryRun;

  private AdmissionLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6 && args.length != 7) {
      System.err.println("usage: AdmissionLoad URL CA_PEM NAMESPACES (closed CONCURRENCY REQUESTS | rate PER_SECOND SECONDS)"
          + " [dry-run]");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TlsContexts.trusting(Files.readString(Path.of(args[1]))))
        .connectTimeout(Duration.ofSeconds(5)).build();
    Namespaces namespaces = new Namespaces(args[2].split(","));
    String mode = args[3];
    int a = Integer.parseInt(args[4]);
    int b = Integer.parseInt(args[5]);
    // Warm up connections, JIT and the namespace cache with dry runs, which leave the key pool and etcd alone.
    dryRun = true;
    runClosed(client, url, namespaces, Math.min(a, 20), 100);
    dryRun = args.length == 7 && args[6].equals("dry-run");
    Result result = mode.equals("closed") ? runClosed(client, url, namespaces, a, b) : runRate(client, url, namespaces, a, b);
    System.out.println(result.describe(mode + " " + a + " " + b + (dryRun ? " dry-run" : "")));
  }

  record Result(List<Long> latenciesNanos, long elapsedNanos, int failures) {
    String describe(String label) {
      List<Long> sorted = new ArrayList<>(latenciesNanos);
      Collections.sort(sorted);
      return String.format(Locale.ROOT, "%s: %d admissions in %.1f s = %.1f/s; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
              + " max %.1f ms; failures %d", label, sorted.size(), elapsedNanos / 1e9, sorted.size() / (elapsedNanos / 1e9),
          percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
          sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6, failures);
    }

    private static double percentile(List<Long> sorted, double p) {
      if (sorted.isEmpty()) {
        return 0;
      }
      int index = (int) Math.ceil(p * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
    }
  }

  /** The namespaces admissions go to, in turn. */
  static final class Namespaces {
    private final String[] names;
    private final AtomicInteger next = new AtomicInteger();

    Namespaces(String... names) {
      this.names = names.clone();
    }

    String next() {
      return names[Math.floorMod(next.getAndIncrement(), names.length)];
    }
  }

  static Result runClosed(HttpClient client, URI url, Namespaces namespaces, int concurrency, int requests)
      throws Exception {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger remaining = new AtomicInteger(requests);
    AtomicInteger failures = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      running.add(workers.submit(() -> {
        while (remaining.getAndDecrement() > 0) {
          admitOnce(client, url, namespaces, latencies, failures);
        }
        return null;
      }));
    }
    for (Future<?> worker : running) {
      worker.get();
    }
    long elapsed = System.nanoTime() - start;
    workers.shutdown();
    return new Result(latencies, elapsed, failures.get());
  }

  /** Open loop: requests start on schedule whether or not earlier ones finished, as pod creations do. */
  static Result runRate(HttpClient client, URI url, Namespaces namespaces, int perSecond, int seconds) throws Exception {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    ExecutorService workers = Executors.newCachedThreadPool();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    int total = perSecond * seconds;
    AtomicInteger started = new AtomicInteger();
    List<Future<?>> running = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    ticker.scheduleAtFixedRate(() -> {
      if (started.getAndIncrement() < total) {
        running.add(workers.submit(() -> admitOnce(client, url, namespaces, latencies, failures)));
      }
    }, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
    while (started.get() < total) {
      TimeUnit.MILLISECONDS.sleep(50); // the driver's own pacing, not a test synchronisation
    }
    ticker.shutdown();
    for (Future<?> request : new ArrayList<>(running)) {
      request.get();
    }
    long elapsed = System.nanoTime() - start;
    workers.shutdown();
    return new Result(latencies, elapsed, failures.get());
  }

  private static void admitOnce(HttpClient client, URI url, Namespaces namespaces, List<Long> latencies,
      AtomicInteger failures) {
    String namespace = namespaces.next();
    String review = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "%s", "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"}, "namespace": "%s",
          "operation": "CREATE", "dryRun": %s,
          "object": {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": "load-", "namespace": "%s", "labels": {"app": "load"}},
            "spec": {"serviceAccountName": "load", "containers": [{"name": "app", "image": "app:v1"}]}}}}"""
        .formatted(UUID.randomUUID(), namespace, dryRun, namespace);
    long begin = System.nanoTime();
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review)).build(),
          HttpResponse.BodyHandlers.ofString());
      long took = System.nanoTime() - begin;
      if (response.statusCode() == 200 && response.body().contains("\"allowed\":true")
          && response.body().contains("\"patch\"")) {
        latencies.add(took);
      } else {
        if (failures.incrementAndGet() <= 3) {
          System.err.println("failed: HTTP " + response.statusCode() + " " + response.body());
        }
      }
    } catch (Exception e) {
      if (failures.incrementAndGet() <= 3) {
        System.err.println("failed: " + e);
      }
    }
  }
}

package io.openservicemesh.bench;

import io.openservicemesh.testing.ServerHeap;
import io.openservicemesh.testing.TlsContexts;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What hostile admission bodies cost a running control plane's heap: posts bodies past each limit of the
 * webhook ({@code AdmissionBodyLimits}) and reports, per kind of body, the answers, the time, the server's heap
 * used after a full collection before and after, and the highest heap use seen while they arrived (sampled
 * with {@code jstat}, so it includes garbage not collected yet: an upper bound of what the bodies held).
 *
 * <pre>
 *   WebhookBodyLoad URL CA_CRT SERVER_PID BODIES MIB CONCURRENCY
 * </pre>
 * Kinds: MIB MiB declared by Content-Length; MIB MiB streamed without a length (chunked); a review of
 * about 3 MiB holding a million numbers (past the value limit); a review nesting a million arrays (past the
 * depth limit, under the size limit). Meant for loopback only; bounded by BODIES per kind.
 */
public final class WebhookBodyLoad {

  private WebhookBodyLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: WebhookBodyLoad URL CA_CRT SERVER_PID BODIES MIB CONCURRENCY");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(TlsContexts.trusting(Files.readString(Path.of(args[1]))))
        .connectTimeout(Duration.ofSeconds(5)).build();
    long pid = Long.parseLong(args[2]);
    int bodies = Integer.parseInt(args[3]);
    int mib = Integer.parseInt(args[4]);
    int concurrency = Integer.parseInt(args[5]);

    byte[] oversized = new byte[mib * 1024 * 1024];
    Arrays.fill(oversized, (byte) ' ');
    byte[] wide = review("[" + "0,".repeat(1_500_000) + "0]");
    byte[] deep = review("[".repeat(1_500_000) + "]".repeat(1_500_000));
    report("bodies per kind", bodies + ", " + concurrency + " at a time");
    report("wide review (bytes)", wide.length);
    report("deep review (bytes)", deep.length);
    run(client, url, pid, "declared " + mib + " MiB", bodies, concurrency,
        () -> HttpRequest.BodyPublishers.ofByteArray(oversized));
    run(client, url, pid, "chunked " + mib + " MiB", bodies, concurrency,
        () -> HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(oversized)));
    run(client, url, pid, "1.5 million values", bodies, concurrency,
        () -> HttpRequest.BodyPublishers.ofByteArray(wide));
    run(client, url, pid, "1.5 million levels", bodies, concurrency,
        () -> HttpRequest.BodyPublishers.ofByteArray(deep));
  }

  private static byte[] review(String data) {
    return ("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"u\","
        + " \"kind\": {\"group\": \"\", \"version\": \"v1\", \"kind\": \"Pod\"}, \"namespace\": \"bench\","
        + " \"operation\": \"CREATE\", \"object\": {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"data\": " + data
        + "}}}").getBytes(StandardCharsets.UTF_8);
  }

  private static void run(HttpClient client, URI url, long pid, String kind, int bodies, int concurrency,
      Supplier<HttpRequest.BodyPublisher> body) throws Exception {
    long before = ServerHeap.usedAfterGc(pid);
    Map<String, Integer> answers = new TreeMap<>();
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    try (HeapSampler sampler = new HeapSampler(pid)) {
      long start = System.nanoTime();
      List<Future<String>> sent = new ArrayList<>();
      for (int i = 0; i < bodies; i++) {
        sent.add(workers.submit(() -> post(client, url, body.get())));
      }
      for (Future<String> answer : sent) {
        answers.merge(answer.get(), 1, Integer::sum);
      }
      long elapsed = System.nanoTime() - start;
      workers.shutdown();
      long after = ServerHeap.usedAfterGc(pid);
      report(kind + ": answers", answers);
      report(kind + ": time (s)", String.format("%.1f", elapsed / 1e9));
      report(kind + ": heap used after full GC before / after (MiB)", mib(before) + " / " + mib(after));
      report(kind + ": highest heap use while sending (MiB, garbage included)", mib(sampler.peak()));
    }
  }

  private static String post(HttpClient client, URI url, HttpRequest.BodyPublisher body) {
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").POST(body).build(), HttpResponse.BodyHandlers.ofString());
      String first = response.body().lines().findFirst().orElse("");
      return response.statusCode() + " " + first.substring(0, Math.min(60, first.length()));
    } catch (Exception e) {
      // The server answers 413 before the chunked body is all sent and may close the connection under it.
      return "no answer: " + e.getClass().getSimpleName();
    }
  }

  /** Samples the server's used heap (survivors, eden, old) every 50 ms with one jstat process. */
  private static final class HeapSampler implements AutoCloseable {
    private final Process jstat;
    private final AtomicLong peakKib = new AtomicLong();
    private final Thread reader;

    HeapSampler(long pid) throws Exception {
      jstat = new ProcessBuilder("jstat", "-gc", Long.toString(pid), "50").redirectErrorStream(true).start();
      reader = new Thread(() -> follow(jstat.getInputStream()), "jstat-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void follow(InputStream output) {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.US_ASCII))) {
        List<String> header = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          List<String> columns = List.of(line.trim().split("\\s+"));
          if (columns.contains("EU")) {
            header = columns;
          } else if (header != null && columns.size() == header.size()) {
            double used = 0;
            for (String column : List.of("S0U", "S1U", "EU", "OU")) {
              used += Double.parseDouble(columns.get(header.indexOf(column)));
            }
            long kib = (long) used;
            peakKib.accumulateAndGet(kib, Math::max);
          }
        }
      } catch (Exception e) {
        System.err.println("jstat stopped: " + e);
      }
    }

    long peak() {
      return peakKib.get() * 1024;
    }

    @Override
    public void close() throws Exception {
      jstat.destroy();
      jstat.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  private static void report(String what, Object value) {
    System.out.println("WEBHOOK | " + what + " | " + value);
  }
}

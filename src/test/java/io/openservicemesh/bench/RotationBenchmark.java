package io.openservicemesh.bench;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.Issuer;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.CertificateListener;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.rotation.CertificateRotator;
import io.openservicemesh.rotation.JitteredRenewalTiming;
import io.openservicemesh.rotation.RenewalPolicy;
import io.openservicemesh.rotation.RotationAnnouncer;
import io.openservicemesh.rotation.RotationLimits;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures what docs/rotation.md reports: the cost of a rotation pass over 10,000 and 100,000 cached
 * certificates when nothing is due, and the time to renew 10,000 certificates that fall due together, with
 * the default throttle and without it. Every certificate is a real one from the built-in CA (its own P-256
 * key, signed by the test root). A plain main class, not a test: {@code mvn verify} does not run it.
 *
 * <pre>
 * mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx2g -cp %classpath io.openservicemesh.bench.RotationBenchmark"
 * </pre>
 *
 * <p>An argument {@code idle} or {@code storm} runs only that part.
 */
public final class RotationBenchmark {

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final MeshCertificateSpecs SPECS =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);
  private static final int FILL_THREADS = Runtime.getRuntime().availableProcessors();

  private RotationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Logger.getLogger("io.openservicemesh").setLevel(Level.WARNING);
    System.out.printf("%s %s, %d CPUs, max heap %d MB%n", System.getProperty("java.vm.name"),
        Runtime.version(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    String part = args.length > 0 ? args[0] : "all";
    if (part.equals("all") || part.equals("idle")) {
      for (int size : new int[] {10_000, 100_000}) {
        idlePass(size);
      }
    }
    if (part.equals("all") || part.equals("storm")) {
      storm(10_000, RotationLimits.forInterval(Duration.ofSeconds(5)), Duration.ofSeconds(5), "default throttle");
      storm(10_000, new RotationLimits(2, 10_000), Duration.ofMillis(100), "no throttle, 2 workers");
    }
  }

  /** A full cache where nothing is due: the cost of one pass, and for comparison of one scan of all. */
  private static void idlePass(int size) throws Exception {
    MutableClock clock = new MutableClock(T0);
    CertificateCache manager = new CertificateCache(TestCa.fixedRootIssuer(clock), clock,
        new JitteredRenewalTiming(RenewalPolicy.DEFAULT, RotationBenchmark::uniform), CertificateListener.NONE);
    long heapBefore = usedHeap();
    double fillSeconds = fill(manager, size);
    long bytesPerCertificate = (usedHeap() - heapBefore) / size;
    CertificateRotator rotator = new CertificateRotator(manager, clock,
        RotationLimits.forInterval(Duration.ofSeconds(5)), CertificateRotator.RETRY_BACKOFF,
        RotationBenchmark::uniform, Runnable::run);
    clock.set(T0.plus(Duration.ofHours(12))); // before every renewal window (the earliest opens at 14.8h)

    int passes = 200_000;
    for (int i = 0; i < passes; i++) { // warm-up
      rotator.runPass(SPECS);
    }
    long[] nanos = new long[passes];
    for (int i = 0; i < passes; i++) {
      long start = System.nanoTime();
      rotator.runPass(SPECS);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    long mean = Arrays.stream(nanos).sum() / passes;

    // For reference: a pass that reads every cached certificate's NotAfter, as OSM's rotation did.
    String[] names = new String[size];
    for (int i = 0; i < size; i++) {
      names[i] = name(i);
    }
    int scans = 20;
    long due = 0;
    long scanStart = System.nanoTime();
    for (int s = 0; s < scans; s++) {
      Instant renewIfBefore = clock.instant().plus(Duration.ofHours(8));
      for (String name : names) {
        if (manager.cached(name).orElseThrow().notAfter().isBefore(renewIfBefore)) {
          due++;
        }
      }
    }
    double scanMillis = (System.nanoTime() - scanStart) / 1e6 / scans;

    Map<String, Certificate> issued = new HashMap<>();
    for (String name : names) {
      issued.put(name, manager.cached(name).orElseThrow());
    }
    long managerBytes = managerBytesPerCertificate(issued, clock);

    System.out.printf("idle pass over %,d cached certificates (filled in %.1f s, ~%,d heap bytes each, of which"
            + " ~%,d for the cache entry, its spec and its schedule keys): mean %d ns, p50 %d ns, p99 %d ns,"
            + " max %,d ns (%,d passes); reading every NotAfter instead: %.2f ms per pass (%d due)%n",
        size, fillSeconds, bytesPerCertificate, managerBytes, mean, nanos[passes / 2],
        nanos[passes / 100 * 99], nanos[passes - 1], passes, scanMillis, due);
  }

  /**
   * What a manager adds to the certificates it holds: a second manager caching the very same certificate
   * objects (its issuer hands out the already issued ones), measured by the heap it adds.
   */
  private static long managerBytesPerCertificate(Map<String, Certificate> issued, MutableClock clock)
      throws Exception {
    long before = usedHeap();
    CertificateCache copy = new CertificateCache(new Issuer() {
      @Override
      public Certificate issue(CertificateSpec spec) {
        return issued.get(spec.commonName());
      }

      @Override
      public String trustedCasPem() {
        return "";
      }
    }, clock, new JitteredRenewalTiming(RenewalPolicy.DEFAULT, RotationBenchmark::uniform),
        CertificateListener.NONE);
    for (int i = 0; i < issued.size(); i++) {
      copy.getOrIssue(SPECS.service(new ServiceIdentity("sa-" + i, "ns")));
    }
    long after = usedHeap();
    Reference.reachabilityFence(copy);
    return (after - before) / issued.size();
  }

  /**
   * {@code size} certificates issued with one and the same jitter draw, so they all fall due in the same
   * instant, renewed by the rotator on its worker threads with a pass every {@code interval}.
   */
  private static void storm(int size, RotationLimits limits, Duration interval, String label) throws Exception {
    MutableClock clock = new MutableClock(T0);
    RotationAnnouncer announcer = new RotationAnnouncer(size);
    AtomicLong announced = new AtomicLong();
    announcer.subscribe("counter", event -> announced.incrementAndGet());
    AtomicBoolean fleet = new AtomicBoolean(true);
    DoubleSupplier jitter = () -> fleet.get() ? 0.5 : uniform();
    CertificateCache manager = new CertificateCache(TestCa.fixedRootIssuer(clock), clock,
        new JitteredRenewalTiming(RenewalPolicy.DEFAULT, jitter),
        (cn, kind, previous, current) -> announcer.announce(new CertificateRotated(cn, kind, previous, current)));
    fill(manager, size);
    fleet.set(false);
    clock.set(T0.plus(Duration.ofHours(16))); // the one renewal instant of the whole fleet

    CertificateRotator rotator = CertificateRotator.withWorkerThreads(manager, clock, limits,
        CertificateRotator.RETRY_BACKOFF, RotationBenchmark::uniform);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    AtomicLong passes = new AtomicLong();
    AtomicLong maxInFlight = new AtomicLong();
    AtomicLong slowestPass = new AtomicLong();
    long started = System.nanoTime();
    timer.scheduleAtFixedRate(() -> {
      long start = System.nanoTime();
      rotator.runPass(SPECS);
      slowestPass.accumulateAndGet(System.nanoTime() - start, Math::max);
      passes.incrementAndGet();
      maxInFlight.accumulateAndGet(rotator.status().renewalsInFlight(), Math::max);
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    while (rotator.statistics().renewals() < size) {
      Thread.sleep(10); // the benchmark polling its own counter
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    timer.shutdownNow();
    announcer.close(Duration.ofSeconds(30));
    rotator.close();

    Instant earliest = Instant.MAX;
    Instant latest = Instant.MIN;
    for (int i = 0; i < size; i++) {
      Instant at = manager.scheduledRenewal(name(i)).orElseThrow();
      earliest = at.isBefore(earliest) ? at : earliest;
      latest = at.isAfter(latest) ? at : latest;
    }
    System.out.printf("storm of %,d due together, %s (concurrency %d, at most %,d per pass, a pass every %d ms):"
            + " renewed in %.1f s (%.0f/s) over %d passes, at most %,d in flight, slowest pass %.2f ms,"
            + " %d failures, %,d announced; their next renewals spread over %s%n",
        size, label, limits.concurrency(), limits.perPass(), interval.toMillis(), seconds, size / seconds,
        passes.get(), maxInFlight.get(), slowestPass.get() / 1e6, rotator.statistics().failures(),
        announced.get(), Duration.between(earliest, latest));
  }

  /** Issues {@code size} service certificates on all CPUs; returns the seconds it took. */
  private static double fill(CertificateCache manager, int size) throws Exception {
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(FILL_THREADS);
    try {
      Future<?>[] parts = new Future<?>[FILL_THREADS];
      for (int t = 0; t < FILL_THREADS; t++) {
        int first = t;
        parts[t] = pool.submit(() -> {
          for (int i = first; i < size; i += FILL_THREADS) {
            manager.getOrIssue(SPECS.service(new ServiceIdentity("sa-" + i, "ns")));
          }
          return null;
        });
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdown();
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static String name(int i) {
    return new ServiceIdentity("sa-" + i, "ns").commonName("cluster.local");
  }

  private static double uniform() {
    return ThreadLocalRandom.current().nextDouble();
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

package io.openservicemesh.bench;

import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.CryptoProviderChoice;
import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CorrettoProviderLoader;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviderSelector;
import io.openservicemesh.identity.ServiceIdentity;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in CA's issuance (what {@link IssuanceBenchmark} measures) per second of CPU the process used (the
 * issuing threads, and the garbage collector and compiler threads working for them), the divisor
 * {@code openssl speed} and bench/keygen.c use: on a shared machine a wall-clock rate measures the share of the
 * cores the other work left, a CPU-time rate what the cores do. Both are printed.
 *
 * <p>The rate printed first is certificates per CPU-second of the process times the thread count: what the threads
 * would issue per second with a core each and nothing else running.
 *
 * <p>usage: IssuanceCpuRate SECONDS [ec]: each thread issues until it has used that much CPU time (three times as much
 * for RSA leaves), after a warm-up; on a busy machine the wall time is longer. With {@code ec}, only the EC leaves.
 */
public final class IssuanceCpuRate {

  private static final Duration SKEW = Duration.ofMinutes(1);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean PROCESS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private IssuanceCpuRate() {}

  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(args[0]);
    boolean ecOnly = args.length > 1 && args[1].equals("ec");
    // EC leaves first: the figures the targets are about come before the long RSA runs.
    List<String[]> pairs = ecOnly ? List.<String[]>of(new String[] {"EC", "EC"})
        : List.of(new String[] {"EC", "EC"}, new String[] {"EC", "RSA"});
    for (String[] keys : pairs) {
      for (String provider : List.of("bouncycastle", "accp")) {
        for (int threads = 1; threads <= 2; threads++) {
          measure(provider, keys[0], keys[1], threads, seconds);
        }
      }
    }
  }

  private static void measure(String provider, String root, String leaf, int threads, double seconds)
      throws Exception {
    CryptoProvider crypto = new CryptoProviderSelector(new CorrettoProviderLoader())
        .select(CryptoProviderChoice.fromConfigName(provider).orElseThrow()).provider();
    Clock clock = Clock.systemUTC();
    CaBundle ca = CaBundleCodec.decode(CaBundleCodec.encode(
        RootCertificateFactory.create(key(root), Duration.ofDays(3650), clock.instant(), SKEW, crypto)),
        "benchmark", clock.instant());
    TresorIssuer issuer = new TresorIssuer(ca, clock, SKEW, crypto);
    CertificateSpec spec = new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), key(leaf))
        .service(new ServiceIdentity("bookbuyer", "bookbuyer"));

    // EC: a warm-up three times as long as the measurement, since the compiler's threads burn CPU of the process
    // for seconds after the first certificates and this rate counts them. RSA: key generation is nearly all of it,
    // native or in BouncyCastle's big-integer code, compiled within the first keys; a run three times as long
    // instead, for a useful count of these few-per-second keys.
    boolean rsa = spec.key().algorithm() == KeyAlgorithm.RSA;
    run(issuer, spec, threads, rsa ? seconds : seconds * 3);
    Result result = run(issuer, spec, threads, rsa ? seconds * 3 : seconds);
    System.out.printf("CPU | issueServiceCertificate provider=%s root=%s leaf=%s threads=%d | %.1f/s with %d"
            + " full core(s), %.1f/s wall (%d certificates, %.1f s wall, %.1f s CPU of the process)%n",
        provider, root, leaf, threads, result.operations() * threads / result.cpuSeconds(), threads,
        result.operations() / result.wallSeconds(), result.operations(), result.wallSeconds(), result.cpuSeconds());
  }

  /** @return operations, wall seconds, and CPU seconds summed over the threads */
  private static Result run(TresorIssuer issuer, CertificateSpec spec, int threads, double seconds)
      throws InterruptedException {
    AtomicLong operations = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long[] wall = new long[1];
    for (int i = 0; i < threads; i++) {
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long end = cpuStart + (long) (seconds * 1e9);
        long done = 0;
        while (THREADS.getCurrentThreadCpuTime() < end) {
          try {
            issuer.issue(spec);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          done++;
        }
        operations.addAndGet(done);
      });
      worker.start();
      workers.add(worker);
    }
    wall[0] = System.nanoTime();
    long processCpuStart = PROCESS.getProcessCpuTime();
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    double wallSeconds = (System.nanoTime() - wall[0]) / 1e9;
    return new Result(operations.get(), wallSeconds, (PROCESS.getProcessCpuTime() - processCpuStart) / 1e9);
  }

  private record Result(long operations, double wallSeconds, double cpuSeconds) {}

  private static KeySpec key(String name) {
    return switch (name) {
      case "EC" -> KeySpec.ECDSA_P256;
      case "RSA" -> KeySpec.rsa(2048);
      default -> throw new IllegalArgumentException("key must be EC or RSA, got " + name);
    };
  }
}

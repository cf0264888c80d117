package io.openservicemesh.bench;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.CryptoProviderChoice;
import io.openservicemesh.crypto.CorrettoProviderLoader;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviderSelector;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issuance by the built-in CA, end to end as a proxy's request pays for it: a new key pair, the leaf
 * certificate signed by the root, and the PEM of both (what {@link TresorIssuer#issue} returns). Measured for
 * every pair of root key (EC P-256, RSA-2048) and leaf key, with each crypto provider
 * ({@code OpenServiceMesh.cryptoProvider}: bouncycastle, accp); the thread count comes from the runner
 * ({@code -t 1} and {@code -t 2}, see bench/run.sh), so one class measures both.
 * The cache hit is measured by {@link CacheHitBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IssuanceBenchmark {

  private static final Duration SKEW = Duration.ofMinutes(1);

  /** The mesh root's key. */
  @Param({"EC", "RSA"})
  public String root;

  /** The service certificate's key (OpenServiceMesh.certificateKeyAlgorithm). */
  @Param({"EC", "RSA"})
  public String leaf;

  /** Who makes the key pairs and signatures (OpenServiceMesh.cryptoProvider). */
  @Param({"bouncycastle", "accp"})
  public String provider;

  private TresorIssuer issuer;
  private CertificateSpec serviceSpec;

  @Setup
  public void setUp() throws Exception {
    Clock clock = Clock.systemUTC();
    CryptoProvider crypto = new CryptoProviderSelector(new CorrettoProviderLoader())
        .select(CryptoProviderChoice.fromConfigName(provider).orElseThrow())
        .provider();
    // The root as the control plane holds it: read back from its stored form, whichever provider made it.
    CaBundle ca = CaBundleCodec.decode(CaBundleCodec.encode(
        RootCertificateFactory.create(key(root), Duration.ofDays(3650), clock.instant(), SKEW, crypto)),
        "benchmark", clock.instant());
    issuer = new TresorIssuer(ca, clock, SKEW, crypto);
    MeshCertificateSpecs specs =
        new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), key(leaf));
    serviceSpec = specs.service(new ServiceIdentity("bookbuyer", "bookbuyer"));
  }

  /** Key generation + leaf + PEM: one service certificate. */
  @Benchmark
  public Certificate issueServiceCertificate() {
    return issuer.issue(serviceSpec);
  }

  private static KeySpec key(String name) {
    return switch (name) {
      case "EC" -> KeySpec.ECDSA_P256;
      case "RSA" -> KeySpec.rsa(2048);
      default -> throw new IllegalArgumentException("key must be EC or RSA, got " + name);
    };
  }
}

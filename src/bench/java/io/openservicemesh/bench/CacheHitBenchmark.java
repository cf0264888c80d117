package io.openservicemesh.bench;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The path every request of an identity already served takes: {@link CertificateCache#getOrIssue} finds the
 * cached certificate and checks that it has not expired; no cryptography. The key types do not matter here,
 * so this is a class of its own without the issuance benchmark's parameters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CacheHitBenchmark {

  private CertificateCache manager;
  private CertificateSpec serviceSpec;

  @Setup
  public void setUp() throws IssuanceException {
    Clock clock = Clock.systemUTC();
    Duration skew = Duration.ofMinutes(1);
    TresorIssuer issuer = new TresorIssuer(
        RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(3650), clock.instant(), skew), clock, skew);
    serviceSpec = new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256)
        .service(new ServiceIdentity("bookbuyer", "bookbuyer"));
    manager = new CertificateCache(issuer, clock);
    manager.getOrIssue(serviceSpec);
  }

  @Benchmark
  public Certificate cacheHit() throws IssuanceException {
    return manager.getOrIssue(serviceSpec);
  }
}

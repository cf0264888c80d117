package io.openservicemesh.sds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.TestCa;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures the SDS delivery evidence at the scale the performance targets name: 10,000 state-of-the-world
 * streams sharing 1,000 identities' chains, all ACKed, each subscribed to its certificate and both kinds of
 * validation context. Prints the time of {@code notHolding} and of {@code notIssuedBy} (the first call parses
 * and verifies each distinct chain once; a call for the other root does it again, its verdicts being per call).
 * A plain main class, not a test: {@code mvn verify} does not run it.
 *
 * <pre>
 * mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx1g -cp %classpath io.openservicemesh.sds.SdsEvidenceBenchmark"
 * </pre>
 */
public final class SdsEvidenceBenchmark {

  private static final int STREAMS = 10_000;
  private static final int IDENTITIES = 1_000;
  private static final int ROUNDS = 5;

  private SdsEvidenceBenchmark() {}

  public static void main(String[] args) throws Exception {
    Logger.getLogger("io.openservicemesh").setLevel(Level.SEVERE);
    MeshCertificateSpecs specs =
        new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);
    TresorIssuer issuer = TestCa.issuer();
    String bundle = TestCa.ecRootPem() + Pem.encode(TestCa.otherEcRoot().certificate());
    SdsStreams streams = new SdsStreams(new PushFanOut(1), Clock.systemUTC());

    long issueStart = System.nanoTime();
    FakeSecrets[] lookups = new FakeSecrets[IDENTITIES];
    for (int i = 0; i < IDENTITIES; i++) {
      ServiceIdentity identity = new ServiceIdentity("sa-" + i, "bench");
      Certificate certificate = issuer.issue(specs.service(identity));
      lookups[i] = new FakeSecrets()
          .put(SecretBuilder.serviceCertificate(name("service-cert", i), certificate))
          .put(SecretBuilder.inboundValidation(name("root-cert-for-mtls-inbound", i), bundle))
          .put(SecretBuilder.outboundValidation(name("root-cert-for-mtls-outbound", i), bundle, Set.of(identity),
              "cluster.local"));
    }
    System.out.printf("issued %d certificates in %d ms%n", IDENTITIES, (System.nanoTime() - issueStart) / 1_000_000);

    for (int s = 0; s < STREAMS; s++) {
      int i = s % IDENTITIES;
      ProxyIdentity proxy = new ProxyIdentity(UUID.randomUUID(), new ServiceIdentity("sa-" + i, "bench"));
      RecordingObserver<DiscoveryResponse> client = new RecordingObserver<>();
      StateOfTheWorldStream stream = new StateOfTheWorldStream(proxy, "sa-" + i + ".bench.cluster.local", lookups[i],
          client, Instant.MAX, () -> { });
      streams.add(stream);
      List<String> names = List.of(name("service-cert", i), name("root-cert-for-mtls-inbound", i),
          name("root-cert-for-mtls-outbound", i));
      stream.onRequest(DiscoveryRequest.newBuilder().setNode(SdsRequests.node(proxy.commonName()))
          .setTypeUrl(TypeUrls.SECRET).addAllResourceNames(names).build());
      stream.onRequest(SdsRequests.answering(client.last(), names.toArray(String[]::new)).build());
    }

    for (int round = 1; round <= ROUNDS; round++) {
      long t0 = System.nanoTime();
      List<String> holding = streams.notHolding(bundle);
      long t1 = System.nanoTime();
      List<String> issuedByA = streams.notIssuedBy(TestCa.ecRoot().certificate());
      long t2 = System.nanoTime();
      List<String> issuedByB = streams.notIssuedBy(TestCa.otherEcRoot().certificate());
      long t3 = System.nanoTime();
      System.out.printf("round %d, %d streams: notHolding %.1f ms (%d lines), notIssuedBy(A) %.1f ms (%d lines),"
              + " notIssuedBy(B) %.1f ms (%d lines: %s)%n", round, streams.streamCount(), (t1 - t0) / 1e6,
          holding.size(), (t2 - t1) / 1e6, issuedByA.size(), (t3 - t2) / 1e6, issuedByB.size(),
          issuedByB.get(issuedByB.size() - 1));
    }
    streams.close();
  }

  private static String name(String kind, int i) {
    return kind + ":bench/sa-" + i;
  }
}

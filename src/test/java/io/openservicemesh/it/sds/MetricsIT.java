package io.openservicemesh.it.sds;

import static io.openservicemesh.it.sds.EnvoyLikeClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.it.ServerHealth;
import io.openservicemesh.it.ServerMetrics;
import io.openservicemesh.it.ServerMetrics.Scrape;
import io.openservicemesh.it.sds.EnvoyLikeClient.SotwStream;
import io.openservicemesh.it.sds.MeshFixture.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of the running control plane follows what happens to it: issuance, SDS streams and their
 * ACKs and NACKs, the roots; and docs/metrics.md lists exactly the families it serves.
 */
class MetricsIT {

  private static final int SDS_PORT = Integer.getInteger("it.sds.port");
  private static final Map<String, String> SERVICE_ON_TRESOR =
      Map.of("type", "service", "backend", "tresor", "result", "success");
  private static final Map<String, String> SERVICE_REQUESTS_ON_TRESOR =
      Map.of("type", "service", "backend", "tresor", "purpose", "request");

  private static final ServerMetrics METRICS = ServerMetrics.ofProperty("it.http.port");
  private static MeshFixture mesh;

  @BeforeAll
  static void meshIsReady() throws Exception {
    ServerHealth.ofProperty("it.http.port").awaitReadiness(ServerHealth.Report::up, Duration.ofMinutes(2));
    mesh = new MeshFixture();
  }

  @Test
  void twoServiceCertificatesIssuedCountTwoAndAreTimedTwice() throws Exception {
    Scrape before = METRICS.scrape();

    X509Certificate first = serviceCertificateOf(freshProxy());
    serviceCertificateOf(freshProxy());

    Scrape after = METRICS.scrape();
    assertThat(after.value("osm_certificates_issued_total", SERVICE_ON_TRESOR)
        - before.value("osm_certificates_issued_total", SERVICE_ON_TRESOR)).isEqualTo(2);
    assertThat(after.value("osm_certificate_issuance_duration_seconds_count", SERVICE_REQUESTS_ON_TRESOR)
        - before.value("osm_certificate_issuance_duration_seconds_count", SERVICE_REQUESTS_ON_TRESOR))
        .isEqualTo(2);
    assertThat(after.value("osm_certificate_issuance_duration_seconds_sum", SERVICE_REQUESTS_ON_TRESOR))
        .isGreaterThan(before.value("osm_certificate_issuance_duration_seconds_sum", SERVICE_REQUESTS_ON_TRESOR));
    // The soonest-expiring service certificate expires no later than the one just issued, and in the future.
    assertThat(after.value("osm_certificate_expiry_timestamp_seconds", Map.of("type", "service")))
        .isLessThanOrEqualTo(first.getNotAfter().toInstant().getEpochSecond())
        .isGreaterThan(Instant.now().getEpochSecond());
  }

  @Test
  void rootExpiryGaugeIsTheRootsNotAfter() throws Exception {
    List<X509Certificate> roots = Pem.decodeCertificates(mesh.meshCaPem);

    Scrape scrape = METRICS.scrape();

    assertThat(scrape.value("osm_root_certificates")).isEqualTo(roots.size());
    assertThat((long) scrape.value("osm_root_certificate_expiry_timestamp_seconds"))
        .isEqualTo(roots.stream().map(root -> root.getNotAfter().toInstant()).min(Instant::compareTo)
            .orElseThrow().getEpochSecond());
  }

  @Test
  void aStreamOpenedRaisesTheStreamsGaugeAndItsAckAndNackAreCounted() throws Exception {
    // Streams other classes left behind are released at their maximum age (30 s here): start from none.
    awaitMetric("osm_sds_streams", 0, Duration.ofSeconds(60));
    Scrape before = METRICS.scrape();
    Proxy proxy = freshProxy();
    try (EnvoyLikeClient client = EnvoyLikeClient.connect(SDS_PORT, proxy.bootstrap(), mesh.meshCaPem)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(proxy.nodeId(), List.of(proxy.serviceCert())).build());
      DiscoveryResponse first = stream.next();

      assertThat(METRICS.scrape().value("osm_sds_streams")).isEqualTo(before.value("osm_sds_streams") + 1);

      stream.send(request(null, List.of(proxy.serviceCert()))
          .setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());
      // A changed subscription after the ACK is answered, so the ACK has been handled once this arrives.
      stream.send(request(null, List.of(proxy.serviceCert(), proxy.inboundRoot()))
          .setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());
      DiscoveryResponse second = stream.next();
      stream.send(request(null, List.of(proxy.serviceCert(), proxy.inboundRoot())).setResponseNonce(second.getNonce())
          .setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected by the metrics test")).build());
      stream.send(request(null, List.of(proxy.inboundRoot())).setResponseNonce(second.getNonce()).build());
      stream.next();

      Scrape after = METRICS.scrape();
      // Three ACKs: the plain one, the one carried by the subscription change, and the request after the NACK,
      // which echoes the nonce without error detail (it accepts the version held before the rejected one).
      assertThat(after.value("osm_sds_acks_total") - before.value("osm_sds_acks_total")).isEqualTo(3);
      assertThat(after.value("osm_sds_nacks_total") - before.value("osm_sds_nacks_total")).isEqualTo(1);
    }
  }

  @Test
  void docsListExactlyTheServedFamilies() throws Exception {
    String scrape = METRICS.scrape().text();
    Files.writeString(Path.of("target", "metrics-scrape.txt"), scrape);

    Set<String> served = METRICS.scrape().familiesStartingWith("osm_");
    Documented documented = Documented.read(Path.of("docs", "metrics.md"));

    assertThat(served).as("every family served is documented").isSubsetOf(documented.all());
    assertThat(served).as("every family documented as always served is served").containsAll(documented.always());
  }

  /** The families docs/metrics.md lists, and those it says every control plane serves from its start. */
  record Documented(Set<String> all, Set<String> always) {

    private static final Pattern ROW = Pattern.compile("^\\| `(osm_[a-z0-9_]+)` \\| ([a-z]+) \\|.*\\| ([^|]+) \\|$");

    static Documented read(Path doc) throws Exception {
      Set<String> all = new TreeSet<>();
      Set<String> always = new TreeSet<>();
      for (String line : Files.readAllLines(doc)) {
        Matcher row = ROW.matcher(line.strip());
        if (row.matches()) {
          all.add(row.group(1));
          if (row.group(3).strip().equals("always")) {
            always.add(row.group(1));
          }
        }
      }
      assertThat(all).as("metrics rows in " + doc).isNotEmpty();
      return new Documented(all, always);
    }
  }

  private static X509Certificate serviceCertificateOf(Proxy proxy) throws Exception {
    try (EnvoyLikeClient client = EnvoyLikeClient.connect(SDS_PORT, proxy.bootstrap(), mesh.meshCaPem)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(proxy.nodeId(), List.of(proxy.serviceCert())).build());
      DiscoveryResponse response = stream.next();
      String chain = response.getResources(0)
          .unpack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.class)
          .getTlsCertificate().getCertificateChain().getInlineString();
      return Pem.decodeCertificates(chain).get(0);
    }
  }

  /** A service account no other test uses: its first request issues its certificate. */
  private static Proxy freshProxy() throws Exception {
    String account = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    return mesh.proxyWithPod(account, Map.of("app", account));
  }

  private static void awaitMetric(String name, double value, Duration deadline) throws Exception {
    Instant giveUp = Instant.now().plus(deadline);
    double last = Double.NaN;
    while (Instant.now().isBefore(giveUp)) {
      last = METRICS.scrape().value(name);
      if (last == value) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " did not reach " + value + " within " + deadline + "; last " + last);
  }
}

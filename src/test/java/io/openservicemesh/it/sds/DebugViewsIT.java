package io.openservicemesh.it.sds;

import static io.openservicemesh.it.sds.EnvoyLikeClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.it.ServerHealth;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.it.sds.EnvoyLikeClient.SotwStream;
import io.openservicemesh.it.sds.MeshFixture.Proxy;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The debug views of the running control plane (cluster mode), on its loopback-only debug port: they list the
 * live stream of a proxy with what it subscribed, ACKed and NACKed, its certificate and the mesh root, and no
 * output of any view, in either form, holds key material. The other ports do not serve them, and the local
 * bootstrap does not exist in cluster mode.
 */
class DebugViewsIT {

  private static final int SDS_PORT = Integer.getInteger("it.sds.port");
  private static final String DEBUG = "http://127.0.0.1:" + Integer.getInteger("it.debug.port");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static MeshFixture mesh;

  @BeforeAll
  static void meshIsReady() throws Exception {
    ServerHealth.ofProperty("it.http.port").awaitReadiness(ServerHealth.Report::up, Duration.ofMinutes(2));
    mesh = new MeshFixture();
  }

  @Test
  void theViewsListALiveStreamItsCertificateAndTheRootWithoutAnyKey() throws Exception {
    String account = "debug-" + UUID.randomUUID().toString().substring(0, 8);
    Proxy proxy = mesh.proxyWithPod(account, Map.of("app", account));
    try (EnvoyLikeClient client = EnvoyLikeClient.connect(SDS_PORT, proxy.bootstrap(), mesh.meshCaPem)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(proxy.nodeId(), List.of(proxy.serviceCert(), proxy.inboundRoot())).build());
      DiscoveryResponse first = stream.next();
      stream.send(request(null, List.of(proxy.serviceCert(), proxy.inboundRoot()))
          .setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());

      JsonObject row = awaitStream(proxy.nodeId(), r -> r.get("lastAcked") != null
          && !r.isNull("lastAcked"));
      assertThat(row.getString("identity")).isEqualTo(account + "." + MeshFixture.NAMESPACE);
      assertThat(row.getJsonArray("subscribed").getValuesAs(jakarta.json.JsonString::getString))
          .containsExactly(proxy.serviceCert(), proxy.inboundRoot());
      assertThat(row.getString("lastAcked")).isEqualTo(first.getVersionInfo());

      JsonObject certificates = json("/debug/certificates");
      assertThat(certificates.getJsonArray("items").stream().map(JsonObject.class::cast)
          .filter(c -> c.getString("commonName").equals(account + "." + MeshFixture.NAMESPACE + ".cluster.local"))
          .findFirst()).hasValueSatisfying(c -> {
            assertThat(c.getString("type")).isEqualTo("service");
            assertThat(c.getString("issuer")).isEqualTo("tresor");
            assertThat(c.isNull("nextRenewal")).isFalse();
          });
      String rootSerial = Pem.decodeCertificate(mesh.meshCaPem).getSerialNumber().toString(16);
      assertThat(text("/debug/trust-bundle")).contains(rootSerial, "CN=osm-ca.openservicemesh.io");
      assertThat(text("/debug/config")).containsPattern("OpenServiceMesh.osmNamespace +"
          + TestCluster.OSM_NAMESPACE + " +\\S+");

      for (String view : List.of("/debug", "/debug/certificates", "/debug/streams", "/debug/trust-bundle",
          "/debug/config", "/debug/health")) {
        for (String form : List.of("json", "text")) {
          HttpResponse<String> response = get(DEBUG + view + "?format=" + form);
          assertThat(response.statusCode()).as(view).isEqualTo(200);
          assertThat(response.body()).as(view + " as " + form).doesNotContain("PRIVATE KEY")
              .doesNotContain("-----BEGIN");
        }
      }

      stream.send(request(null, List.of(proxy.serviceCert(), proxy.inboundRoot())).setResponseNonce(first.getNonce())
          .setErrorDetail(Status.newBuilder().setCode(3).setMessage("debug-view-nack")).build());
      assertThat(awaitStream(proxy.nodeId(), r -> !r.isNull("lastNack")).getString("lastNack"))
          .contains("debug-view-nack");
    }
  }

  @Test
  void healthOnTheHttpPortTellsStatusOnlyAndTheDebugPortTheDetails() throws Exception {
    String http = "http://localhost:" + System.getProperty("it.http.port");
    JsonObject published = Json.createReader(new StringReader(get(http + "/health/ready").body())).readObject();
    JsonObject detailed = json("/debug/health/ready");
    String rootSerial = Pem.decodeCertificate(mesh.meshCaPem).getSerialNumber().toString(16);

    assertThat(published.getString("status")).isEqualTo("UP");
    assertThat(published.getJsonArray("checks").stream().map(JsonObject.class::cast))
        .isNotEmpty().allSatisfy(check -> assertThat(check.getOrDefault("data", JsonValue.EMPTY_JSON_OBJECT))
            .as(check.getString("name")).isEqualTo(JsonValue.EMPTY_JSON_OBJECT));
    assertThat(published.toString()).doesNotContain(rootSerial, TestCluster.CA_SECRET);
    assertThat(detailed.getString("status")).isEqualTo("UP");
    assertThat(detailed.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> check.getString("name").equals("certificate-authority")).findFirst())
        .hasValueSatisfying(check -> assertThat(check.getJsonObject("data").getString("caSerial"))
            .isEqualToIgnoringCase(rootSerial));
    assertThat(json("/debug/health/live").getJsonArray("checks").stream().map(JsonObject.class::cast)
        .map(check -> check.getString("name"))).contains("timers").doesNotContain("certificate-authority");
    assertThat(get(http + "/debug/health").statusCode()).isEqualTo(404);
  }

  @Test
  void theHealthAndWebhookPortsDoNotServeTheViews() throws Exception {
    String http = "http://localhost:" + System.getProperty("it.http.port");

    assertThat(get(http + "/debug/certificates").statusCode()).isEqualTo(404);
    assertThat(get(http + "/debug/config?format=text").statusCode()).isEqualTo(404);
    assertThat(get(http + "/debug").statusCode()).isEqualTo(404);
  }

  @Test
  void theLocalBootstrapIsAbsentInClusterMode() throws Exception {
    HttpResponse<String> response = get(DEBUG + "/debug/bootstrap?identity=bookstore.bookstore");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json("/debug").getBoolean("standalone")).isFalse();
    assertThat(json("/debug").getJsonArray("views").toString()).doesNotContain("bootstrap");
  }

  /** The server handles an ACK or NACK on its transport thread: the view catches up within moments. */
  private static JsonObject awaitStream(String proxy, java.util.function.Predicate<JsonObject> condition)
      throws Exception {
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(10));
    Optional<JsonObject> row = Optional.empty();
    while (Instant.now().isBefore(giveUp)) {
      row = json("/debug/streams").getJsonArray("items").stream().map(JsonObject.class::cast)
          .filter(r -> r.getString("proxy").equals(proxy)).findFirst();
      if (row.isPresent() && condition.test(row.get())) {
        return row.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the streams view never showed the expected state of " + proxy + ": " + row);
  }

  private static JsonObject json(String view) throws Exception {
    HttpResponse<String> response = get(DEBUG + view);
    assertThat(response.statusCode()).as(view).isEqualTo(200);
    return Json.createReader(new StringReader(response.body())).readObject();
  }

  private static String text(String view) throws Exception {
    return get(DEBUG + view + "?format=text").body();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

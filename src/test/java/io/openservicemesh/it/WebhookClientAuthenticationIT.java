package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.testing.ClientCertificates;
import io.openservicemesh.testing.ClientCertificates.Issued;
import io.openservicemesh.testing.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A control plane configured to authenticate the API server (OpenServiceMesh.webhook.clientCaFile and
 * clientNames), called over real TLS as the API server calls it: only a client certificate the configured CA
 * signed for an allowed name gets an AdmissionReview answer, on both webhook ports, while a caller of another
 * path needs no certificate at all. Its serving certificates are RSA, so its TLS endpoints also show that only
 * forward-secret AEAD suites are offered.
 */
class WebhookClientAuthenticationIT {

  private static final String OSM_NAMESPACE = "osm-webhook-auth-it";
  private static final String CA_SECRET = "osm-ca-bundle";
  private static final String API_SERVER_NAME = "kube-apiserver-webhook-client";
  /** Exists, but is not part of the mesh: the injector admits its pods unchanged and writes nothing. */
  private static final String OUTSIDE_MESH = "outside-mesh-auth-it";
  private static final Duration READY_WITHIN = Duration.ofMinutes(3);
  /** Key exchange by the server's RSA key: no forward secrecy. */
  private static final List<String> STATIC_RSA_SUITES =
      List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA");

  private static ExtraControlPlane plane;
  private static ClientCertificates clientCa;
  private static String meshCa;
  private static int webhookPort;
  private static int validatorPort;

  @BeforeAll
  static void startAControlPlaneThatAuthenticatesItsCallers() throws Exception {
    CoreV1Api api = TestCluster.core();
    TestCluster.ensureNamespace(api, OSM_NAMESPACE);
    TestCluster.ensureNamespace(api, OUTSIDE_MESH);
    TestCluster.forgetMesh(TestCluster.client(), OSM_NAMESPACE, CA_SECRET);
    clientCa = ClientCertificates.newCa("apiserver-webhook-client-ca", Instant.now().minus(Duration.ofDays(1)));
    Path caFile = Path.of("target", "it-webhook-client-ca", "ca.crt").toAbsolutePath();
    Files.createDirectories(caFile.getParent());
    Files.writeString(caFile, Pem.encode(clientCa.caCertificate()));
    plane = ExtraControlPlane.start(OSM_NAMESPACE, Map.of(
        "OpenServiceMesh_osmNamespace", OSM_NAMESPACE,
        "OpenServiceMesh_caBundleSecretName", CA_SECRET,
        "OpenServiceMesh_webhook_extraServingNames", "localhost",
        "OpenServiceMesh_webhook_clientCaFile", caFile.toString(),
        "OpenServiceMesh_webhook_clientNames", API_SERVER_NAME,
        // RSA serving certificates: the one key type with which a static RSA key exchange could be negotiated.
        "OpenServiceMesh_certKeyAlgorithm", "rsa"));
    ServerHealth.Report ready = plane.health().awaitReadiness(ServerHealth.Report::up, READY_WITHIN);
    assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
    meshCa = new String(api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute().getData().get("ca.crt"),
        StandardCharsets.UTF_8);
    int base = Integer.getInteger("it.extra.port", 9480);
    webhookPort = base + 1;
    validatorPort = base + 3;
  }

  @AfterAll
  static void stop() throws Exception {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void aCallerWithoutACertificateIsRefusedWithTheReasonOnBothWebhookPorts() throws Exception {
    HttpClient anonymous = client(TlsContexts.trusting(meshCa));

    HttpResponse<String> injector = post(anonymous, webhookPort, "/mutate-pod-creation");
    HttpResponse<String> validator = post(anonymous, validatorPort, "/validate-webhook");

    assertThat(injector.statusCode()).isEqualTo(401);
    assertThat(injector.body()).contains("require a client certificate signed by the CA of"
        + " OpenServiceMesh.webhook.clientCaFile, and none was presented");
    assertThat(validator.statusCode()).isEqualTo(401);
  }

  @Test
  void theApiServersCertificateGetsAnAdmissionReviewAnswer() throws Exception {
    Issued apiServer = clientCa.client(API_SERVER_NAME, List.of(), Instant.now().minus(Duration.ofHours(1)),
        Duration.ofDays(30));
    HttpClient authenticated = client(TlsContexts.presenting(meshCa, apiServer.key(), apiServer.certificate()));

    HttpResponse<String> injector = post(authenticated, webhookPort, "/mutate-pod-creation");
    HttpResponse<String> validator = post(authenticated, validatorPort, "/validate-webhook");

    assertThat(injector.statusCode()).as(injector.body()).isEqualTo(200);
    assertThat(injector.body()).contains("\"kind\":\"AdmissionReview\"").contains("\"allowed\":true");
    assertThat(validator.statusCode()).as(validator.body()).isEqualTo(200);
    assertThat(validator.body()).contains("\"allowed\":true");
  }

  @Test
  void aCertificateOfTheCaForAnotherNameIs403() throws Exception {
    Issued someone = clientCa.client("someone-else", List.of(), Instant.now().minus(Duration.ofHours(1)),
        Duration.ofDays(30));

    HttpResponse<String> response = post(
        client(TlsContexts.presenting(meshCa, someone.key(), someone.certificate())), webhookPort,
        "/mutate-pod-creation");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("names someone-else, none of OpenServiceMesh.webhook.clientNames"
        + " [" + API_SERVER_NAME + "]");
  }

  @Test
  void aCertificateOfAnotherCaIsRefusedInTheHandshake() throws Exception {
    ClientCertificates otherCa = ClientCertificates.newCa("apiserver-webhook-client-ca",
        Instant.now().minus(Duration.ofDays(1)));
    Issued impostor = otherCa.client(API_SERVER_NAME, List.of(), Instant.now().minus(Duration.ofHours(1)),
        Duration.ofDays(30));
    HttpClient impostorClient = client(TlsContexts.presenting(meshCa, impostor.key(), impostor.certificate()));

    assertThatThrownBy(() -> post(impostorClient, webhookPort, "/mutate-pod-creation"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void otherPathsOnTheWebhookPortNeedNoCertificate() throws Exception {
    HttpResponse<String> health = client(TlsContexts.trusting(meshCa)).send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + webhookPort + "/health/live")).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
  }

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void theWebhookPortsRefuseAStaticRsaKeyExchange() throws Exception {
    // SDS is configured alike (one list for every endpoint) but not probed here: it refuses a client without a
    // mesh certificate in the same handshake, so its refusal would prove nothing about the suites.
    for (int port : List.of(webhookPort, validatorPort)) {
      assertThatThrownBy(() -> handshake(port, "TLSv1.2", STATIC_RSA_SUITES))
          .as("port %d offered only %s", port, STATIC_RSA_SUITES)
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void theWebhookPortsNegotiateForwardSecretAeadSuitesWithAnRsaCertificate() throws Exception {
    for (int port : List.of(webhookPort, validatorPort)) {
      SSLSession tls12 = handshake(port, "TLSv1.2", null);
      assertThat(tls12.getPeerCertificates()[0].getPublicKey().getAlgorithm()).isEqualTo("RSA");
      assertThat(tls12.getCipherSuite()).startsWith("TLS_ECDHE_RSA_").containsAnyOf("_GCM_", "_CHACHA20_");
      assertThat(handshake(port, "TLSv1.3", null).getProtocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void aRestartInPlaceOpensTheEndpointsWithStoresLibertyCanRead() throws Exception {
    plane.restart();

    ServerHealth.Report ready = plane.health().awaitReadiness(ServerHealth.Report::up, READY_WITHIN);
    assertThat(ready.up()).as("readiness: %s", ready.body()).isTrue();
    // The stores of the run before are replaced while Liberty polls them: with another password in their
    // include than in them, Liberty would fail to load one (CWPKI0033E) and refuse handshakes meanwhile.
    assertThat(plane.log()).doesNotContain("CWPKI0033E");
    assertThat(handshake(webhookPort, "TLSv1.3", null).getProtocol()).isEqualTo("TLSv1.3");
  }

  /** A handshake offering the protocol and, when given, only these suites (else the JDK's defaults). */
  private static SSLSession handshake(int port, String protocol, List<String> suites) throws Exception {
    try (SSLSocket socket = (SSLSocket) TlsContexts.trusting(meshCa).getSocketFactory()
        .createSocket("localhost", port)) {
      socket.setEnabledProtocols(new String[] {protocol});
      if (suites != null) {
        socket.setEnabledCipherSuites(suites.toArray(String[]::new));
      }
      socket.startHandshake();
      return socket.getSession();
    }
  }

  /** A review of a pod outside the mesh, which both webhooks admit unchanged. */
  private static HttpResponse<String> post(HttpClient client, int port, String path)
      throws IOException, InterruptedException {
    String review = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "%s", "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "namespace": "%s", "operation": "CREATE",
          "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "auth-"},
            "spec": {"containers": [{"name": "app", "image": "app:v1"}]}}}}"""
        .formatted(UUID.randomUUID(), OUTSIDE_MESH);
    return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

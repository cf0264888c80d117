package io.openservicemesh.it.sds;

import static io.openservicemesh.it.sds.EnvoyLikeClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status.Code;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.it.ServerHealth;
import io.openservicemesh.it.sds.EnvoyLikeClient.DeltaSds;
import io.openservicemesh.it.sds.EnvoyLikeClient.SotwStream;
import io.openservicemesh.it.sds.MeshFixture.Proxy;
import io.openservicemesh.testing.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SDS against the running control plane, over real mutual TLS, with a client that speaks xDS as Envoy does.
 * Silence (after an ACK or a NACK) is proven by ordering: a stream answers requests in order, so when the next
 * response is the answer to a later request, nothing was sent in between.
 */
class SdsIT {

  private static final int SDS_PORT = Integer.getInteger("it.sds.port");
  private static final int HTTP_PORT = Integer.getInteger("it.http.port");

  private static MeshFixture mesh;
  private static Proxy bookbuyer;

  @BeforeAll
  static void meshIsReady() throws Exception {
    ServerHealth.ofProperty("it.http.port").awaitReadiness(ServerHealth.Report::up, Duration.ofMinutes(2));
    mesh = new MeshFixture();
    mesh.ensureService("bookstore", Map.of("app", "bookstore"));
    mesh.proxyWithPod("bookstore", Map.of("app", "bookstore"));
    bookbuyer = mesh.proxyWithPod("bookbuyer", Map.of("app", "bookbuyer"));
  }

  @Test
  void firstRequestIsAnsweredWithTheProxysSecrets() throws Exception {
    String outbound = "root-cert-for-mtls-outbound:" + MeshFixture.NAMESPACE + "/bookstore";
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert(), bookbuyer.inboundRoot(), outbound)).build());
      DiscoveryResponse response = stream.next();

      assertThat(response.getTypeUrl()).isEqualTo(EnvoyLikeClient.SECRET_TYPE);
      assertThat(response.getVersionInfo()).isNotEmpty();
      assertThat(response.getNonce()).isNotEmpty();
      Map<String, Secret> secrets = secrets(response);
      assertThat(secrets).containsOnlyKeys(bookbuyer.serviceCert(), bookbuyer.inboundRoot(), outbound);

      Secret service = secrets.get(bookbuyer.serviceCert());
      String chain = service.getTlsCertificate().getCertificateChain().getInlineString();
      String key = service.getTlsCertificate().getPrivateKey().getInlineString();
      OpenSsl.verify(mesh.meshCaPem, chain);
      assertThat(OpenSsl.publicKeyOfKey(key)).isEqualTo(OpenSsl.publicKeyOfCert(chain));
      assertThat(OpenSsl.text(chain))
          .contains("DNS:bookbuyer." + MeshFixture.NAMESPACE + ".cluster.local")
          .contains("URI:spiffe://cluster.local/ns/" + MeshFixture.NAMESPACE + "/sa/bookbuyer");

      assertThat(secrets.get(bookbuyer.inboundRoot()).getValidationContext().getTrustedCa().getInlineString())
          .isEqualTo(mesh.meshCaPem);
      assertThat(secrets.get(outbound).getValidationContext().getMatchTypedSubjectAltNamesList())
          .extracting(matcher -> matcher.getMatcher().getExact())
          .containsExactly("spiffe://cluster.local/ns/" + MeshFixture.NAMESPACE + "/sa/bookstore",
              "bookstore." + MeshFixture.NAMESPACE + ".cluster.local");
    }
  }

  @Test
  void ackIsAnsweredWithSilenceAndANameChangeWithTheNewSet() throws Exception {
    Proxy bookbuyer = freshProxy();
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).build());
      DiscoveryResponse first = stream.next();

      stream.send(ack(first, List.of(bookbuyer.serviceCert())));
      stream.send(request(null, List.of(bookbuyer.serviceCert(), bookbuyer.inboundRoot()))
          .setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());
      DiscoveryResponse second = stream.next();

      assertThat(secrets(second)).as("the response after the ACK answers the name change")
          .containsOnlyKeys(bookbuyer.serviceCert(), bookbuyer.inboundRoot());
      assertThat(second.getNonce()).isNotEqualTo(first.getNonce());
      assertThat(second.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
    }
  }

  @Test
  void nackIsLoggedAndTheRejectedContentIsNotSentAgain() throws Exception {
    Proxy bookbuyer = freshProxy();
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).build());
      DiscoveryResponse first = stream.next();

      stream.send(request(null, List.of(bookbuyer.serviceCert())).setResponseNonce(first.getNonce())
          .setErrorDetail(Status.newBuilder().setCode(3).setMessage("nack-from-test-" + first.getNonce())).build());
      stream.send(request(null, List.of(bookbuyer.inboundRoot())).setResponseNonce(first.getNonce()).build());
      DiscoveryResponse next = stream.next();

      assertThat(secrets(next)).as("nothing was resent after the NACK").containsOnlyKeys(bookbuyer.inboundRoot());
      assertThat(serverLog()).contains("rejected SDS version " + first.getVersionInfo())
          .contains("nack-from-test-" + first.getNonce());
    }
  }

  @Test
  void staleNonceIsIgnored() throws Exception {
    Proxy bookbuyer = freshProxy();
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).build());
      DiscoveryResponse first = stream.next();
      stream.send(request(null, List.of(bookbuyer.inboundRoot())).setResponseNonce("stale-" + first.getNonce()).build());
      stream.send(request(null, List.of(bookbuyer.serviceCert(), bookbuyer.inboundRoot()))
          .setResponseNonce(first.getNonce()).build());

      assertThat(secrets(stream.next())).containsOnlyKeys(bookbuyer.serviceCert(), bookbuyer.inboundRoot());
    }
  }

  @Test
  void anotherIdentitysCertificateIsDenied() throws Exception {
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of("service-cert:" + MeshFixture.NAMESPACE + "/bookstore")).build());
      io.grpc.Status end = stream.end();
      assertThat(end.getCode()).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(end.getDescription()).contains(bookbuyer.nodeId()).contains(MeshFixture.NAMESPACE + "/bookstore");
    }
  }

  @Test
  void forgedIdentityHeaderIsIgnored() throws Exception {
    Proxy bookstore = mesh.proxyWithPod("bookstore", Map.of("app", "bookstore"));
    String forged = Base64.getEncoder().encodeToString(bookstore.bootstrap().leaf().getEncoded());
    try (EnvoyLikeClient client = connect(bookbuyer, EnvoyLikeClient.header("x-osm-verified-client-certificate", forged))) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookstore.nodeId(), List.of(bookstore.serviceCert())).build());
      assertThat(stream.end().getCode()).as("the TLS identity, not the header, decides").isEqualTo(Code.PERMISSION_DENIED);
    }
    try (EnvoyLikeClient plaintext =
        EnvoyLikeClient.plaintext(HTTP_PORT, EnvoyLikeClient.header("x-osm-verified-client-certificate", forged))) {
      SotwStream stream = plaintext.streamSecrets();
      stream.send(request(bookstore.nodeId(), List.of(bookstore.serviceCert())).build());
      assertThat(stream.end().getCode()).as("no TLS, no identity").isEqualTo(Code.UNAUTHENTICATED);
    }
  }

  @Test
  void malformedNameIsRefusedNamingIt() throws Exception {
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of("service-cert-bookbuyer")).build());
      io.grpc.Status end = stream.end();
      assertThat(end.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(end.getDescription()).contains("invalid certificate string resource format").contains("service-cert-bookbuyer");
    }
  }

  @Test
  void nodeIdNotMatchingTheCertificateIsRefused() throws Exception {
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request("someone-else", List.of(bookbuyer.serviceCert())).build());
      assertThat(stream.end().getCode()).isEqualTo(Code.PERMISSION_DENIED);
    }
  }

  @Test
  void proxyWithoutPodIsRefused() throws Exception {
    Proxy orphan = mesh.proxyWithoutPod("bookbuyer");
    try (EnvoyLikeClient client = connect(orphan)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(orphan.nodeId(), List.of(orphan.serviceCert())).build());
      io.grpc.Status end = stream.end();
      assertThat(end.getCode()).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(end.getDescription()).contains("osm-proxy-uuid=" + orphan.identity().uuid());
    }
  }

  @Test
  void clientWithoutCertificateOrFromAnotherCaIsRefusedAtTheHandshake() throws Exception {
    try (EnvoyLikeClient anonymous = EnvoyLikeClient.connect(SDS_PORT, null, mesh.meshCaPem)) {
      assertThat(EnvoyLikeClient.statusOf(() -> anonymous.fetch(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).build())).getCode())
          .isEqualTo(Code.UNAVAILABLE);
    }
    Certificate foreign = MeshFixture.certificateFromAnotherCa(bookbuyer.identity());
    try (EnvoyLikeClient stranger = EnvoyLikeClient.connect(SDS_PORT, foreign, mesh.meshCaPem)) {
      assertThat(EnvoyLikeClient.statusOf(() -> stranger.fetch(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).build())).getCode())
          .isEqualTo(Code.UNAVAILABLE);
    }
  }

  @Test
  void fetchSecretsAnswersOnce() throws Exception {
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      DiscoveryResponse response = client.fetch(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).build());
      assertThat(secrets(response)).containsOnlyKeys(bookbuyer.serviceCert());
    }
  }

  @Test
  void deltaSecretsSubscribesAndUnsubscribes() throws Exception {
    Proxy bookbuyer = freshProxy();
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      DeltaSds stream = client.deltaSecrets();
      stream.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(EnvoyLikeClient.SECRET_TYPE)
          .setNode(io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId(bookbuyer.nodeId()))
          .addResourceNamesSubscribe(bookbuyer.serviceCert()).build());
      DeltaDiscoveryResponse first = stream.next();
      assertThat(first.getResourcesList()).extracting(Resource::getName).containsExactly(bookbuyer.serviceCert());

      stream.send(DeltaDiscoveryRequest.newBuilder().setResponseNonce(first.getNonce())
          .addResourceNamesUnsubscribe(bookbuyer.serviceCert()).addResourceNamesSubscribe(bookbuyer.inboundRoot()).build());
      DeltaDiscoveryResponse second = stream.next();
      assertThat(second.getResourcesList()).extracting(Resource::getName).containsExactly(bookbuyer.inboundRoot());
    }
  }

  @Test
  void reconnectingClientWithItsLastVersionGetsTheCurrentState() throws Exception {
    DiscoveryResponse before;
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).build());
      before = stream.next();
    }
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of(bookbuyer.serviceCert())).setVersionInfo(before.getVersionInfo()).build());
      DiscoveryResponse after = stream.next();
      assertThat(secrets(after)).containsOnlyKeys(bookbuyer.serviceCert());
      // Versions follow content: the same certificate gives the same version, a renewal in between a new one.
      boolean sameCertificate = chain(after, bookbuyer.serviceCert()).equals(chain(before, bookbuyer.serviceCert()));
      assertThat(after.getVersionInfo().equals(before.getVersionInfo())).isEqualTo(sameCertificate);
    }
  }

  @Test
  void anUpstreamWithoutPodsIsTrustedForNothingUntilItsPodAppearsAndTheStreamIsPushed() throws Exception {
    String service = "bookwarehouse-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    mesh.ensureService(service, Map.of("app", service));
    String outbound = "root-cert-for-mtls-outbound:" + MeshFixture.NAMESPACE + "/" + service;
    try (EnvoyLikeClient client = connect(bookbuyer)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(bookbuyer.nodeId(), List.of(outbound)).build());
      DiscoveryResponse first = stream.next();
      assertThat(matchers(first, outbound)).as("no pod yet: no mesh certificate may pass as " + service)
          .containsExactly("urn:osm:no-known-identity");
      stream.send(ack(first, List.of(outbound)));

      mesh.proxyWithPod("warehouse", Map.of("app", service));
      // Looked at again 5 s after the first answer, then pushed.
      DiscoveryResponse pushed = stream.next(Duration.ofSeconds(30));

      assertThat(matchers(pushed, outbound)).containsExactly(
          "spiffe://cluster.local/ns/" + MeshFixture.NAMESPACE + "/sa/warehouse",
          "warehouse." + MeshFixture.NAMESPACE + ".cluster.local");
      assertThat(pushed.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
    }
  }

  private static List<String> matchers(DiscoveryResponse response, String name) throws Exception {
    return secrets(response).get(name).getValidationContext().getMatchTypedSubjectAltNamesList().stream()
        .map(matcher -> matcher.getMatcher().getExact()).toList();
  }

  @Test
  void renewedCertificateIsPushedToTheStreamWithANewVersion() throws Exception {
    Proxy rotating = freshProxy();
    try (EnvoyLikeClient client = connect(rotating)) {
      SotwStream stream = client.streamSecrets();
      stream.send(request(rotating.nodeId(), List.of(rotating.serviceCert())).build());
      DiscoveryResponse first = stream.next();
      stream.send(ack(first, List.of(rotating.serviceCert())));
      String firstChain = chain(first, rotating.serviceCert());

      // The test server's service certificates are renewed about 20 s after issuance (1m validity).
      DiscoveryResponse pushed = stream.next(Duration.ofSeconds(60));
      Instant arrived = Instant.now();

      String pushedChain = chain(pushed, rotating.serviceCert());
      assertThat(pushedChain).isNotEqualTo(firstChain);
      assertThat(pushed.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
      assertThat(pushed.getNonce()).isNotEqualTo(first.getNonce());
      OpenSsl.verify(mesh.meshCaPem, pushedChain);
      Instant oldExpiry = Pem.decodeCertificate(firstChain).getNotAfter().toInstant();
      assertThat(arrived).as("pushed before the old certificate expired").isBefore(oldExpiry);
    }
  }

  @Test
  void streamOfAKilledClientIsReleased() throws Exception {
    ServerHealth health = ServerHealth.ofProperty("it.http.port");
    Proxy shortLived = mesh.proxyWithPod("bookbuyer", Map.of("app", "bookbuyer"));
    EnvoyLikeClient client = connect(shortLived);
    SotwStream stream = client.streamSecrets();
    stream.send(request(shortLived.nodeId(), List.of(shortLived.serviceCert())).build());
    stream.next();
    int withStream = Integer.parseInt(health.readiness().data("sds", "streams"));
    assertThat(withStream).isPositive();

    Instant killed = Instant.now();
    client.kill();
    // Released when the stream reaches its maximum age (30 s in this server) and the reaper (every 5 s) writes.
    // Every client of this class has gone by now (the others closed their channels, which the server does not
    // notice on an idle stream either), so all streams, the killed one included, must be released.
    health.awaitReadiness(r -> Integer.parseInt(r.data("sds", "streams")) == 0, Duration.ofSeconds(60));
    System.out.println("SDS stream of a killed client released after " + Duration.between(killed, Instant.now()).toMillis() + " ms");
  }

  /**
   * A proxy of a service account no other test uses, so its certificate is issued by this test's first
   * request and is not renewed (and pushed) for about 14 s: tests that prove silence by the order of
   * responses must not meet a renewal push.
   */
  private static Proxy freshProxy() throws Exception {
    String account = "buyer-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    return mesh.proxyWithPod(account, Map.of("app", account));
  }

  private static EnvoyLikeClient connect(Proxy proxy, io.grpc.ClientInterceptor... extra) throws Exception {
    return EnvoyLikeClient.connect(SDS_PORT, proxy.bootstrap(), mesh.meshCaPem, extra);
  }

  private static io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest ack(DiscoveryResponse response, List<String> names) {
    return request(null, names).setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce()).build();
  }

  private static String chain(DiscoveryResponse response, String secretName) {
    return secrets(response).get(secretName).getTlsCertificate().getCertificateChain().getInlineString();
  }

  private static Map<String, Secret> secrets(DiscoveryResponse response) {
    return response.getResourcesList().stream().map(any -> {
      try {
        return any.unpack(Secret.class);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).collect(Collectors.toMap(Secret::getName, secret -> secret));
  }

  private static String serverLog() throws Exception {
    return Files.readString(Path.of(System.getProperty("it.server.log")));
  }
}

package io.openservicemesh.sds;

import io.openservicemesh.certificate.WaitingList;
import static io.openservicemesh.sds.SdsRequests.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.LogCapture;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SDS part of a root rotation's evidence, on real streams driven as Envoy drives them, with secrets built
 * by SecretBuilder from certificates of two real roots.
 */
class SdsDeliveryEvidenceTest {

  private static final String CERT = FakeSecrets.CERT;
  private static final String INBOUND = FakeSecrets.INBOUND;
  private static final String OUTBOUND = FakeSecrets.OUTBOUND;
  private static final String OTHER_OUTBOUND = "root-cert-for-mtls-outbound:bookstore/bookstore-v2";
  private static final ServiceIdentity BOOKBUYER = new ServiceIdentity("bookbuyer", "bookstore");
  private static final MeshCertificateSpecs SPECS =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);

  private static final X509Certificate ROOT_A = TestCa.ecRoot().certificate();
  private static final X509Certificate ROOT_B = TestCa.otherEcRoot().certificate();
  private static final String BUNDLE_A = TestCa.ecRootPem();
  /** The bundle of a rotation's first step: the old root and the new. */
  private static final String BUNDLE_AB = BUNDLE_A + Pem.encode(ROOT_B);

  private final LogCapture log = LogCapture.of("io.openservicemesh.sds");
  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  private final SdsStreams streams = new SdsStreams(new PushFanOut(1), clock);
  private final FakeSecrets lookup = new FakeSecrets();

  @AfterEach
  void close() {
    streams.close();
    log.close();
  }

  // --- state of the world -------------------------------------------------------------------------------------

  @Test
  void aStreamThatAckedTheBundleIsNotListed() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(CERT, INBOUND, OUTBOUND);

    stream.ack();

    assertThat(streams.notHolding(BUNDLE_A)).isEmpty();
    assertThat(streams.notHolding(new String(BUNDLE_A.toCharArray()))).as("equal text, another String").isEmpty();
  }

  @Test
  void aStreamThatHasNotAckedIsListedWithTheVersionItWasSent() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(CERT, INBOUND);

    assertThat(streams.notHolding(BUNDLE_A)).containsExactly("SDS stream of proxy " + stream.proxy.commonName()
        + " has not ACKed the trust bundle (pending since version " + stream.client.last().getVersionInfo() + ")");
  }

  @Test
  void aStaleNonceIsNoAck() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(CERT, INBOUND);
    DiscoveryResponse old = stream.client.last();
    serve(BUNDLE_AB, leafOf(rootA()));
    stream.stream.refresh();

    stream.stream.onRequest(answering(old, CERT, INBOUND).build());

    assertThat(streams.notHolding(BUNDLE_AB)).singleElement().asString().contains("pending since version "
        + stream.client.last().getVersionInfo());
    assertThat(streams.notHolding(BUNDLE_A)).as("it never ACKed the first either").hasSize(1);
  }

  @Test
  void aNackOfTheNewBundleIsListedWithItsDetailWhileTheOldOneIsStillHeld() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(CERT, INBOUND);
    stream.ack();
    serve(BUNDLE_AB, leafOf(rootA()));
    stream.stream.refresh();
    assertThat(streams.notHolding(BUNDLE_AB)).singleElement().asString().contains("pending since version");

    stream.nack("Failed to load trusted CA certificates from <inline>:\n  bad certificate");

    assertThat(streams.notHolding(BUNDLE_AB)).containsExactly("SDS stream of proxy " + stream.proxy.commonName()
        + " has not ACKed the trust bundle: last response NACKed: Failed to load trusted CA certificates from"
        + " <inline>: bad certificate");
    assertThat(streams.notHolding(BUNDLE_A)).as("Envoy keeps what it had").isEmpty();
  }

  @Test
  void aLongNackDetailIsCutToTwoHundredCharacters() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(INBOUND);

    stream.nack("x".repeat(5000));

    String entry = streams.notHolding(BUNDLE_A).get(0);
    assertThat(entry).endsWith("last response NACKed: " + "x".repeat(Uptake.DETAIL_LIMIT) + "...");
  }

  @Test
  void aStreamThatAckedAnotherBundleAndWasNotSentTheNewOneIsListed() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(INBOUND);
    stream.ack();
    String ackedVersion = stream.client.last().getVersionInfo();

    assertThat(streams.notHolding(BUNDLE_AB)).containsExactly("SDS stream of proxy " + stream.proxy.commonName()
        + " has not ACKed the trust bundle (its ACKed version " + ackedVersion + " carries another)");
  }

  @Test
  void validationContextsWithDifferentBundlesInOneResponseHoldNeither() throws Exception {
    serve(BUNDLE_AB, leafOf(rootA()));
    lookup.put(SecretBuilder.outboundValidation(OUTBOUND, BUNDLE_A, Set.of(BOOKBUYER), "cluster.local"));
    Sotw stream = sotw(INBOUND, OUTBOUND);

    stream.ack();

    assertThat(streams.notHolding(BUNDLE_AB)).hasSize(1);
    assertThat(streams.notHolding(BUNDLE_A)).hasSize(1);
  }

  @Test
  void aStreamOfTheServiceCertificateOnlyIsNotAskedForTheBundle() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(CERT);

    assertThat(streams.notHolding(BUNDLE_A)).isEmpty();
    assertThat(streams.notIssuedBy(ROOT_A)).as("but its certificate is pending").hasSize(1);

    stream.ack();
    assertThat(streams.notIssuedBy(ROOT_A)).isEmpty();
  }

  @Test
  void aStreamOfTheBundleOnlyIsNotAskedForACertificate() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    sotw(INBOUND, OUTBOUND);

    assertThat(streams.notIssuedBy(ROOT_B)).isEmpty();
    assertThat(streams.notHolding(BUNDLE_A)).hasSize(1);
  }

  @Test
  void aSubscriptionChangeAcksTheLastResponseAndWaitsForTheNextOne() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Sotw stream = sotw(CERT);
    stream.ack();

    stream.stream.onRequest(answering(stream.client.last(), CERT, INBOUND).build());

    assertThat(streams.notIssuedBy(ROOT_A)).as("the certificate was ACKed with the change").isEmpty();
    assertThat(streams.notHolding(BUNDLE_A)).singleElement().asString().contains("pending since version");
    stream.ack();
    assertThat(streams.notHolding(BUNDLE_A)).isEmpty();
  }

  @Test
  void streamsNotStartedOrClosedAreNotListed() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    ProxyIdentity proxy = new ProxyIdentity(UUID.randomUUID(), BOOKBUYER);
    StateOfTheWorldStream notStarted = register(proxy, new RecordingObserver<>());
    Sotw closed = sotw(CERT, INBOUND);

    closed.stream.released();

    assertThat(streams.notHolding(BUNDLE_A)).isEmpty();
    assertThat(streams.notIssuedBy(ROOT_A)).isEmpty();
    assertThat(notStarted.trustBundleUptake()).isEmpty();
  }

  // --- issued by which root -----------------------------------------------------------------------------------

  @Test
  void aCertificateOfRootAIsIssuedByRootAAndNotByRootB() throws Exception {
    assertThat(ROOT_A.getSubjectX500Principal()).as("the same name: only the signature tells them apart")
        .isEqualTo(ROOT_B.getSubjectX500Principal());
    serve(BUNDLE_AB, leafOf(rootA()));
    Sotw stream = sotw(CERT, INBOUND);
    stream.ack();

    assertThat(streams.notIssuedBy(ROOT_A)).isEmpty();
    assertThat(streams.notIssuedBy(ROOT_B)).containsExactly("SDS stream of proxy " + stream.proxy.commonName()
        + " has not ACKed a certificate issued by root " + ROOT_B.getSubjectX500Principal().getName() + " (serial "
        + ROOT_B.getSerialNumber().toString(16) + ") (its ACKed version " + stream.client.last().getVersionInfo()
        + " carries another)");
  }

  @Test
  void aRenewedCertificateOfTheNewRootCountsOnceAcked() throws Exception {
    serve(BUNDLE_AB, leafOf(rootA()));
    Sotw stream = sotw(CERT, INBOUND);
    stream.ack();
    serve(BUNDLE_AB, leafOf(rootB()));
    stream.stream.refresh();

    assertThat(streams.notIssuedBy(ROOT_B)).singleElement().asString().contains("pending since version");
    assertThat(streams.notIssuedBy(ROOT_A)).as("it still serves the old one").isEmpty();

    stream.ack();
    assertThat(streams.notIssuedBy(ROOT_B)).isEmpty();
    assertThat(streams.notIssuedBy(ROOT_A)).hasSize(1);
  }

  @Test
  void manyStreamsSharingAChainAreJudgedByTheirOwnAck() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    for (int i = 0; i < 3; i++) {
      sotw(CERT, INBOUND).ack();
    }
    Sotw pending = sotw(CERT, INBOUND);

    assertThat(streams.notIssuedBy(ROOT_A)).singleElement().asString().contains(pending.proxy.commonName());
    assertThat(streams.notIssuedBy(ROOT_B)).hasSize(4);
  }

  // --- the short list -----------------------------------------------------------------------------------------

  @Test
  void moreThanFiveAreCountedAfterTheFirstFive() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    for (int i = 0; i < 8; i++) {
      sotw(INBOUND);
    }
    sotw(INBOUND).ack();

    List<String> answer = streams.notHolding(BUNDLE_A);

    assertThat(answer).hasSize(WaitingList.LISTED + 1);
    assertThat(answer.subList(0, WaitingList.LISTED)).allSatisfy(entry -> assertThat(entry)
        .startsWith("SDS stream of proxy ").contains("has not ACKed the trust bundle (pending since version"));
    assertThat(answer.get(WaitingList.LISTED)).isEqualTo("and 3 more SDS streams");
  }

  // --- delta ----------------------------------------------------------------------------------------------------

  @Test
  void aDeltaStreamHoldsTheBundleOnlyWhenEveryValidationContextIsAcked() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Delta stream = delta(CERT, INBOUND);
    assertThat(streams.notHolding(BUNDLE_A)).containsExactly("SDS stream of proxy " + stream.proxy.commonName()
        + " has not ACKed the trust bundle (pending since response nonce " + stream.client.last().getNonce() + ")");

    stream.ack(stream.client.last());
    assertThat(streams.notHolding(BUNDLE_A)).isEmpty();

    stream.stream.onRequest(request().addResourceNamesSubscribe(OUTBOUND).build());
    assertThat(streams.notHolding(BUNDLE_A)).as("the new subscription's response is not ACKed")
        .singleElement().asString().contains("pending since response nonce " + stream.client.last().getNonce());

    stream.ack(stream.client.last());
    assertThat(streams.notHolding(BUNDLE_A)).isEmpty();
  }

  @Test
  void aDeltaAckAppliesOnlyWhatItsResponseCarried() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Delta stream = delta(CERT, INBOUND, OUTBOUND);
    stream.ack(stream.client.last());
    serve(BUNDLE_AB, leafOf(rootA()));
    stream.stream.refresh();
    DeltaDiscoveryResponse newBundle = stream.client.last();
    stream.stream.onRequest(request().addResourceNamesSubscribe(OTHER_OUTBOUND).build());
    DeltaDiscoveryResponse otherOutbound = stream.client.last();

    stream.ack(otherOutbound);

    assertThat(streams.notHolding(BUNDLE_AB)).as("INBOUND and OUTBOUND came in a response the ACK dropped")
        .singleElement().asString().contains("(what it ACKed carries another)");
    assertThat(newBundle.getNonce()).isNotEqualTo(otherOutbound.getNonce());
  }

  @Test
  void aDeltaNackOfTheNewBundleIsListedWithItsDetail() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Delta stream = delta(CERT, INBOUND);
    stream.ack(stream.client.last());
    serve(BUNDLE_AB, leafOf(rootA()));
    stream.stream.refresh();

    stream.stream.onRequest(request().setResponseNonce(stream.client.last().getNonce())
        .setErrorDetail(Status.newBuilder().setCode(13).setMessage("trusted CA rejected")).build());

    assertThat(streams.notHolding(BUNDLE_AB)).containsExactly("SDS stream of proxy " + stream.proxy.commonName()
        + " has not ACKed the trust bundle: last response NACKed: trusted CA rejected");
    assertThat(streams.notHolding(BUNDLE_A)).as("it kept the old bundle").isEmpty();
    assertThat(streams.notIssuedBy(ROOT_A)).as("the certificate was not in the NACKed response").isEmpty();
  }

  @Test
  void aDeltaStreamResumingWithCurrentVersionsHoldsWithoutASend() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    ProxyIdentity proxy = new ProxyIdentity(UUID.randomUUID(), BOOKBUYER);
    RecordingObserver<DeltaDiscoveryResponse> client = new RecordingObserver<>();
    DeltaStream stream = registerDelta(proxy, client);

    stream.onRequest(DeltaDiscoveryRequest.newBuilder().setNode(node(proxy.commonName())).setTypeUrl(TypeUrls.SECRET)
        .addResourceNamesSubscribe(CERT).addResourceNamesSubscribe(INBOUND)
        .putInitialResourceVersions(CERT, Versions.of(lookup.current(CERT)))
        .putInitialResourceVersions(INBOUND, Versions.of(lookup.current(INBOUND)))
        .build());

    assertThat(client.responseCount()).isZero();
    assertThat(streams.notHolding(BUNDLE_A)).isEmpty();
    assertThat(streams.notIssuedBy(ROOT_A)).isEmpty();
  }

  @Test
  void aDeltaStreamKeepsOnlyTheNewestUnansweredResponses() throws Exception {
    serve(BUNDLE_A, leafOf(rootA()));
    Delta stream = delta(INBOUND);
    DeltaDiscoveryResponse oldest = stream.client.last();
    for (int i = 0; i < DeltaStream.PENDING_LIMIT; i++) {
      serve(BUNDLE_A + "\n".repeat(i + 1), leafOf(rootA()));
      stream.stream.refresh();
    }
    assertThat(stream.client.responseCount()).isEqualTo(DeltaStream.PENDING_LIMIT + 1);

    stream.ack(oldest);
    assertThat(streams.notHolding(BUNDLE_A)).as("the oldest was dropped: its ACK teaches nothing").hasSize(1);

    stream.ack(stream.client.last());
    assertThat(streams.notHolding(BUNDLE_A + "\n".repeat(DeltaStream.PENDING_LIMIT))).isEmpty();
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  private static TresorIssuer rootA() {
    return TestCa.issuer();
  }

  private static TresorIssuer rootB() {
    return new TresorIssuer(TestCa.otherEcRoot(), Clock.systemUTC(), TestCa.CLOCK_SKEW);
  }

  private static Certificate leafOf(TresorIssuer issuer) throws Exception {
    return issuer.issue(SPECS.service(BOOKBUYER));
  }

  /** What the resolver hands out from now on: secrets as the production SecretBuilder makes them. */
  private void serve(String bundle, Certificate certificate) {
    lookup.put(SecretBuilder.serviceCertificate(CERT, certificate))
        .put(SecretBuilder.inboundValidation(INBOUND, bundle))
        .put(SecretBuilder.outboundValidation(OUTBOUND, bundle, Set.of(BOOKBUYER), "cluster.local"))
        .put(SecretBuilder.outboundValidation(OTHER_OUTBOUND, bundle, Set.of(), "cluster.local"));
  }

  /** A state-of-the-world stream of a new proxy, registered, after its first request for {@code names}. */
  private Sotw sotw(String... names) {
    ProxyIdentity proxy = new ProxyIdentity(UUID.randomUUID(), BOOKBUYER);
    RecordingObserver<DiscoveryResponse> client = new RecordingObserver<>();
    StateOfTheWorldStream stream = register(proxy, client);
    stream.onRequest(DiscoveryRequest.newBuilder().setNode(node(proxy.commonName())).setTypeUrl(TypeUrls.SECRET)
        .addAllResourceNames(List.of(names)).build());
    assertThat(client.errors()).isEmpty();
    return new Sotw(proxy, stream, client, names);
  }

  private StateOfTheWorldStream register(ProxyIdentity proxy, RecordingObserver<DiscoveryResponse> client) {
    StateOfTheWorldStream[] self = new StateOfTheWorldStream[1];
    self[0] = new StateOfTheWorldStream(proxy, SdsRequests.SERVICE_CN, lookup, client, Instant.MAX,
        () -> streams.remove(self[0]));
    streams.add(self[0]);
    return self[0];
  }

  private record Sotw(ProxyIdentity proxy, StateOfTheWorldStream stream, RecordingObserver<DiscoveryResponse> client,
      String[] names) {

    void ack() {
      stream.onRequest(answering(client.last(), names).build());
    }

    void nack(String detail) {
      stream.onRequest(answering(client.last(), names)
          .setErrorDetail(Status.newBuilder().setCode(13).setMessage(detail)).build());
    }
  }

  private static DiscoveryRequest.Builder answering(DiscoveryResponse response, String... names) {
    return SdsRequests.answering(response, names);
  }

  private Delta delta(String... names) {
    ProxyIdentity proxy = new ProxyIdentity(UUID.randomUUID(), BOOKBUYER);
    RecordingObserver<DeltaDiscoveryResponse> client = new RecordingObserver<>();
    DeltaStream stream = registerDelta(proxy, client);
    stream.onRequest(DeltaDiscoveryRequest.newBuilder().setNode(node(proxy.commonName())).setTypeUrl(TypeUrls.SECRET)
        .addAllResourceNamesSubscribe(List.of(names)).build());
    assertThat(client.errors()).isEmpty();
    return new Delta(proxy, stream, client);
  }

  private DeltaStream registerDelta(ProxyIdentity proxy, RecordingObserver<DeltaDiscoveryResponse> client) {
    DeltaStream[] self = new DeltaStream[1];
    self[0] = new DeltaStream(proxy, SdsRequests.SERVICE_CN, lookup, client, Instant.MAX,
        () -> streams.remove(self[0]));
    streams.add(self[0]);
    return self[0];
  }

  private record Delta(ProxyIdentity proxy, DeltaStream stream, RecordingObserver<DeltaDiscoveryResponse> client) {

    void ack(DeltaDiscoveryResponse response) {
      stream.onRequest(request().setResponseNonce(response.getNonce()).build());
    }
  }

  private static DeltaDiscoveryRequest.Builder request() {
    return DeltaDiscoveryRequest.newBuilder().setTypeUrl(TypeUrls.SECRET);
  }
}

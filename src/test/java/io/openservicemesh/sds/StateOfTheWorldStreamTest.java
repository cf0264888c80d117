package io.openservicemesh.sds;

import static io.openservicemesh.sds.SdsRequests.PROXY;
import static io.openservicemesh.sds.SdsRequests.SERVICE_CN;
import static io.openservicemesh.sds.SdsRequests.answering;
import static io.openservicemesh.sds.SdsRequests.first;
import static io.openservicemesh.sds.SdsRequests.node;
import static io.openservicemesh.sds.SdsRequests.secrets;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status.Code;
import io.openservicemesh.testing.LogCapture;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateOfTheWorldStreamTest {

  private static final String CERT = FakeSecrets.CERT;
  private static final String INBOUND = FakeSecrets.INBOUND;
  private static final String OUTBOUND = FakeSecrets.OUTBOUND;

  private final LogCapture log = LogCapture.of("io.openservicemesh.sds");
  private final FakeSecrets lookup = FakeSecrets.ofBookbuyer();
  private final RecordingObserver<DiscoveryResponse> client = new RecordingObserver<>();
  private final AtomicInteger closedCallbacks = new AtomicInteger();
  private final StateOfTheWorldStream stream = new StateOfTheWorldStream(
      PROXY, SERVICE_CN, lookup, client, Instant.parse("2030-01-01T00:00:00Z"), closedCallbacks::incrementAndGet);

  @AfterEach
  void restoreLogging() {
    log.close();
  }

  @Test
  void firstRequestIsAnsweredWithVersionNonceTypeAndTheSecretsInTheOrderAsked() {
    stream.onRequest(first(OUTBOUND, CERT, INBOUND).build());

    DiscoveryResponse response = client.last();
    assertThat(client.responseCount()).isOne();
    assertThat(response.getTypeUrl()).isEqualTo(TypeUrls.SECRET);
    assertThat(response.getNonce()).isNotEmpty();
    assertThat(response.getVersionInfo()).isEqualTo(Versions.of(lookup.current(List.of(OUTBOUND, CERT, INBOUND))));
    assertThat(response.getResourcesList()).allSatisfy(any -> assertThat(any.getTypeUrl()).isEqualTo(TypeUrls.SECRET));
    assertThat(secrets(response)).containsExactlyElementsOf(lookup.current(List.of(OUTBOUND, CERT, INBOUND)));
  }

  @Test
  void firstRequestWithAnEmptyTypeUrlIsServed() {
    stream.onRequest(first(CERT).setTypeUrl("").build());

    assertThat(client.errors()).isEmpty();
    assertThat(secrets(client.last())).extracting(Secret::getName).containsExactly(CERT);
  }

  @Test
  void repeatedNamesAreServedOnce() {
    stream.onRequest(first(CERT, INBOUND, CERT).build());

    assertThat(secrets(client.last())).extracting(Secret::getName).containsExactly(CERT, INBOUND);
  }

  @Test
  void firstRequestWithoutNodeIsRefused() {
    stream.onRequest(first(CERT).clearNode().build());

    assertRefused(Code.INVALID_ARGUMENT, "must carry node.id", PROXY.commonName());
  }

  @Test
  void firstRequestWithAnEmptyNodeIdIsRefused() {
    stream.onRequest(first(CERT).setNode(node("")).build());

    assertRefused(Code.INVALID_ARGUMENT, "must carry node.id");
  }

  @Test
  void nodeIdOfAnotherProxyIsRefusedNamingBoth() {
    String other = "8d2b4a1f-0c3e-4f5a-b6c7-d8e9f0a1b2c3.bookbuyer.bookstore";

    stream.onRequest(first(CERT).setNode(node(other)).build());

    assertRefused(Code.PERMISSION_DENIED, other, PROXY.commonName());
  }

  @Test
  void laterRequestWithAnotherNodeIdIsRefused() {
    stream.onRequest(first(CERT).build());
    DiscoveryResponse response = client.last();

    stream.onRequest(answering(response, CERT).setNode(node("someone-else")).build());

    assertThat(client.responseCount()).isOne();
    assertRefused(Code.PERMISSION_DENIED, "someone-else");
  }

  @Test
  void ackIsAnsweredWithSilence() {
    stream.onRequest(first(CERT, INBOUND).build());

    stream.onRequest(answering(client.last(), CERT, INBOUND).build());
    stream.onRequest(answering(client.last(), CERT, INBOUND).setNode(node(PROXY.commonName())).build());

    assertThat(client.responseCount()).isOne();
    assertThat(client.errors()).isEmpty();
    assertThat(closedCallbacks).hasValue(0);
  }

  @Test
  void theViewShowsTheSubscriptionTheAckedVersionAndTheLastNack() {
    stream.onRequest(first(CERT, INBOUND).build());
    DiscoveryResponse accepted = client.last();
    StreamView beforeAck = stream.view();
    stream.onRequest(answering(accepted, CERT, INBOUND).build());
    lookup.put(CERT, "cert v2");
    stream.refresh();
    DiscoveryResponse rejected = client.last();
    stream.onRequest(answering(rejected, CERT, INBOUND).setVersionInfo(accepted.getVersionInfo())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("unknown key type")).build());

    StreamView view = stream.view();

    assertThat(beforeAck.lastAcked()).isEmpty();
    assertThat(view.proxy()).isEqualTo(PROXY.commonName());
    assertThat(view.identity()).isEqualTo(PROXY.service().serviceAccount() + "." + PROXY.service().namespace());
    assertThat(view.protocol()).isEqualTo("state-of-the-world");
    assertThat(view.subscribed()).containsExactly(CERT, INBOUND);
    assertThat(view.lastAcked()).contains(accepted.getVersionInfo());
    assertThat(view.lastNack()).contains("version " + rejected.getVersionInfo() + ": unknown key type");
  }

  @Test
  void nackIsLoggedWithItsDetailAndTheRejectedContentIsNotSentAgain() {
    stream.onRequest(first(CERT, INBOUND).build());
    DiscoveryResponse rejected = client.last();

    stream.onRequest(answering(rejected, CERT, INBOUND)
        .setVersionInfo("") // Envoy keeps the version it last accepted: none
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("bad private key in service-cert")).build());

    assertThat(client.responseCount()).isOne();
    assertThat(log.warnings()).anySatisfy(warning -> assertThat(warning)
        .contains(PROXY.commonName())
        .contains(rejected.getVersionInfo())
        .contains("bad private key in service-cert"));

    stream.refresh(); // nothing changed: the same rejected content is not pushed again
    assertThat(client.responseCount()).isOne();

    lookup.put(CERT, "cert v2");
    stream.refresh();
    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(client.last().getVersionInfo()).isNotEqualTo(rejected.getVersionInfo());
    assertThat(secrets(client.last())).containsExactlyElementsOf(lookup.current(List.of(CERT, INBOUND)));
  }

  @Test
  void nackWithChangedNamesIsANewSubscription() {
    stream.onRequest(first(CERT, INBOUND).build());

    stream.onRequest(answering(client.last(), CERT)
        .setErrorDetail(Status.newBuilder().setMessage("rejected")).build());

    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(secrets(client.last())).extracting(Secret::getName).containsExactly(CERT);
  }

  @Test
  void staleNonceIsIgnoredEvenWithChangedNames() {
    stream.onRequest(first(CERT).build());
    DiscoveryResponse old = client.last();
    lookup.put(CERT, "cert v2");
    stream.refresh();
    assertThat(client.responseCount()).isEqualTo(2);

    // Crossed the refresh on the wire: it answers the first response.
    stream.onRequest(answering(old, CERT, INBOUND).build());
    assertThat(client.responseCount()).isEqualTo(2);

    // The subscription is still CERT alone: a change of INBOUND is not pushed.
    lookup.put(INBOUND, "roots v2");
    stream.refresh();
    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(client.errors()).isEmpty();
  }

  @Test
  void requestWithoutANonceAfterTheFirstIsStale() {
    stream.onRequest(first(CERT).build());

    stream.onRequest(DiscoveryRequest.newBuilder().setTypeUrl(TypeUrls.SECRET).addResourceNames(INBOUND).build());

    assertThat(client.responseCount()).isOne();
  }

  @Test
  void changedNamesAreAnsweredWithTheNewSet() {
    stream.onRequest(first(CERT).build());
    DiscoveryResponse before = client.last();

    stream.onRequest(answering(before, CERT, INBOUND, OUTBOUND).build());

    DiscoveryResponse after = client.last();
    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(after.getNonce()).isNotEqualTo(before.getNonce());
    assertThat(after.getVersionInfo()).isEqualTo(Versions.of(lookup.current(List.of(CERT, INBOUND, OUTBOUND))));
    assertThat(secrets(after)).extracting(Secret::getName).containsExactly(CERT, INBOUND, OUTBOUND);

    stream.onRequest(answering(after, INBOUND).build());
    assertThat(secrets(client.last())).extracting(Secret::getName).containsExactly(INBOUND);
  }

  @Test
  void refreshAfterAContentChangeSendsOneResponseWithANewVersionAndNonce() {
    stream.onRequest(first(CERT, INBOUND).build());
    DiscoveryResponse before = client.last();
    lookup.put(INBOUND, "roots v1 + roots v2");

    stream.refresh();
    stream.refresh();

    assertThat(client.responseCount()).isEqualTo(2);
    DiscoveryResponse pushed = client.last();
    assertThat(pushed.getVersionInfo()).isNotEqualTo(before.getVersionInfo())
        .isEqualTo(Versions.of(lookup.current(List.of(CERT, INBOUND))));
    assertThat(pushed.getNonce()).isNotEqualTo(before.getNonce());
    assertThat(secrets(pushed)).containsExactlyElementsOf(lookup.current(List.of(CERT, INBOUND)));

    // The ACK of the push is silence, and a refresh without a change sends nothing.
    stream.onRequest(answering(pushed, CERT, INBOUND).build());
    stream.refresh();
    assertThat(client.responseCount()).isEqualTo(2);
  }

  @Test
  void refreshWithoutAChangeSendsNothing() {
    stream.onRequest(first(CERT).build());

    stream.refresh();
    lookup.put(INBOUND, "roots v2"); // not subscribed
    stream.refresh();

    assertThat(client.responseCount()).isOne();
  }

  @Test
  void refreshBeforeTheFirstRequestSendsNothing() {
    stream.refresh();

    assertThat(client.responseCount()).isZero();
    assertThat(client.errors()).isEmpty();
  }

  @Test
  void contentChangedBackIsPushedAgain() {
    stream.onRequest(first(CERT).build());
    String v1 = client.last().getVersionInfo();
    lookup.put(CERT, "cert v2");
    stream.refresh();
    lookup.put(CERT, "cert v1");
    stream.refresh();

    assertThat(client.responseCount()).isEqualTo(3);
    assertThat(client.last().getVersionInfo()).isEqualTo(v1);
  }

  @Test
  void lookupFailureOnTheFirstRequestClosesTheStreamWithItsStatus() {
    lookup.failWith(CERT, Code.UNAVAILABLE, "the control plane is not ready: CA starting");

    stream.onRequest(first(INBOUND, CERT).build());

    assertThat(client.responseCount()).isZero();
    assertRefused(Code.UNAVAILABLE, "the control plane is not ready: CA starting");
  }

  @Test
  void lookupFailureOnRefreshClosesTheStreamOnceAndNothingIsSentAfterwards() {
    stream.onRequest(first(CERT).build());
    lookup.failWith(CERT, Code.PERMISSION_DENIED, "no longer yours");

    stream.refresh();
    stream.refresh();
    lookup.put(CERT, "cert v2");
    stream.onRequest(answering(client.last(), CERT, INBOUND).build());
    stream.fail(io.grpc.Status.UNAVAILABLE);
    stream.released();

    assertThat(client.responseCount()).isOne();
    assertRefused(Code.PERMISSION_DENIED, "no longer yours");
  }

  @Test
  void aClientThatClosesItsSideGetsTheCallEndedCleanlyAndNothingMore() {
    stream.onRequest(first(CERT).build());

    stream.completedByClient();
    stream.refresh();
    stream.completedByClient();

    assertThat(client.completions()).as("the call ended once, with OK").isOne();
    assertThat(client.responseCount()).isOne();
    assertThat(closedCallbacks).hasValue(1);
  }

  @Test
  void aStreamTheClientResetIsNotWrittenToAndIsForgotten() {
    ResettableCall call = new ResettableCall();
    StateOfTheWorldStream onCall = new StateOfTheWorldStream(
        PROXY, SERVICE_CN, lookup, call, Instant.parse("2030-01-01T00:00:00Z"), closedCallbacks::incrementAndGet);
    onCall.onRequest(first(CERT).build());
    call.cancelled = true;
    lookup.put(CERT, "cert v2");

    onCall.refresh();

    assertThat(call.written).as("only the first answer, before the reset").isOne();
    assertThat(closedCallbacks).hasValue(1);
  }

  /**
   * A client that received a push and then reset the stream without ACKing it holds up no evidence: Liberty only
   * marks the call cancelled, and the stream is released the next time anything looks at it.
   */
  @Test
  void aStreamTheClientResetWithAPushUnansweredIsReleasedWhenItsEvidenceIsRead() {
    ResettableCall call = new ResettableCall();
    StateOfTheWorldStream onCall = new StateOfTheWorldStream(
        PROXY, SERVICE_CN, lookup, call, Instant.parse("2030-01-01T00:00:00Z"), closedCallbacks::incrementAndGet);
    onCall.onRequest(first(CERT).build());
    assertThat(onCall.certificateUptake()).extracting(Uptake::state).containsExactly(Uptake.State.PENDING);
    call.cancelled = true;

    assertThat(onCall.certificateUptake()).as("nothing to wait for from a stream that is gone").isEmpty();
    assertThat(closedCallbacks).hasValue(1);
    assertThat(onCall.unansweredSince(Instant.parse("2030-01-01T00:00:00Z"))).isNull();
  }

  /** The server side of a call, as gRPC hands it to the service, that the client can reset. */
  private static final class ResettableCall extends io.grpc.stub.ServerCallStreamObserver<DiscoveryResponse> {
    volatile boolean cancelled;
    int written;

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public void onNext(DiscoveryResponse value) {
      written++;
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}
  }

  @Test
  void unknownNameIsAnErrorNotAnOmission() {
    stream.onRequest(first(CERT, "service-cert:bookstore/unknown").build());

    assertThat(client.responseCount()).isZero();
    assertRefused(Code.NOT_FOUND, "service-cert:bookstore/unknown");
  }

  @Test
  void wrongTypeUrlIsRefused() {
    stream.onRequest(first(CERT).setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster").build());

    assertRefused(Code.INVALID_ARGUMENT, "envoy.config.cluster.v3.Cluster", TypeUrls.SECRET);
  }

  @Test
  void wrongTypeUrlOnALaterRequestIsRefused() {
    stream.onRequest(first(CERT).build());

    stream.onRequest(answering(client.last(), CERT).setTypeUrl("type.googleapis.com/wrong").build());

    assertRefused(Code.INVALID_ARGUMENT, "type.googleapis.com/wrong");
  }

  @Test
  void firstRequestWithoutNamesIsRefused() {
    stream.onRequest(first().build());

    assertThat(client.responseCount()).isZero();
    assertRefused(Code.INVALID_ARGUMENT, "must name the secrets");
  }

  @Test
  void laterRequestWithoutNamesIsRefused() {
    stream.onRequest(first(CERT).build());

    stream.onRequest(answering(client.last()).build());

    assertThat(client.responseCount()).isOne();
    assertRefused(Code.INVALID_ARGUMENT, "must name the secrets");
  }

  @Test
  void clientThatEndedTheStreamIsNotWrittenTo() {
    stream.onRequest(first(CERT).build());

    stream.released();
    stream.released();
    lookup.put(CERT, "cert v2");
    stream.refresh();
    stream.fail(io.grpc.Status.UNAVAILABLE);

    assertThat(client.responseCount()).isOne();
    assertThat(client.errors()).isEmpty();
    assertThat(closedCallbacks).hasValue(1);
  }

  @Test
  void failedWriteReleasesTheStreamOnce() {
    stream.onRequest(first(CERT).build());
    client.clientGoneWith(new IllegalStateException("call already closed"));

    lookup.put(CERT, "cert v2");
    stream.refresh();
    lookup.put(CERT, "cert v3");
    stream.refresh();

    assertThat(closedCallbacks).hasValue(1);
    assertThat(client.errors()).isEmpty();
  }

  @Test
  void nonceIsFreshForEveryResponse() {
    stream.onRequest(first(CERT).build());
    for (int i = 2; i <= 5; i++) {
      lookup.put(CERT, "cert v" + i);
      stream.refresh();
    }

    assertThat(client.responses()).extracting(DiscoveryResponse::getNonce).doesNotHaveDuplicates().hasSize(5);
  }

  private void assertRefused(Code code, String... inDescription) {
    io.grpc.Status status = client.closedWith();
    assertThat(status.getCode()).isEqualTo(code);
    assertThat(status.getDescription()).contains(inDescription);
    assertThat(closedCallbacks).as("onClosed runs exactly once").hasValue(1);
    assertThat(client.completions()).isZero();
  }

  @Test
  void acksAndNacksAreMeteredAndAStaleNonceIsNeither() {
    CountingSdsMeter meter = new CountingSdsMeter();
    StateOfTheWorldStream metered = new StateOfTheWorldStream(PROXY, SERVICE_CN, lookup, client,
        Instant.parse("2030-01-01T00:00:00Z"), () -> {}, meter);
    metered.onRequest(first(CERT).build());
    DiscoveryResponse first = client.last();

    metered.onRequest(answering(first, CERT).build());
    metered.onRequest(answering(first, CERT)
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected")).build());
    metered.onRequest(answering(first, CERT).setResponseNonce("stale").build());

    assertThat(meter.told).containsExactly("ack", "nack");
  }
}

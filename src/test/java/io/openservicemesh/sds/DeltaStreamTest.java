package io.openservicemesh.sds;

import static io.openservicemesh.sds.SdsRequests.PROXY;
import static io.openservicemesh.sds.SdsRequests.SERVICE_CN;
import static io.openservicemesh.sds.SdsRequests.firstDelta;
import static io.openservicemesh.sds.SdsRequests.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status.Code;
import io.openservicemesh.testing.LogCapture;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeltaStreamTest {

  private static final String CERT = FakeSecrets.CERT;
  private static final String INBOUND = FakeSecrets.INBOUND;
  private static final String OUTBOUND = FakeSecrets.OUTBOUND;

  private final LogCapture log = LogCapture.of("io.openservicemesh.sds");
  private final FakeSecrets lookup = FakeSecrets.ofBookbuyer();
  private final RecordingObserver<DeltaDiscoveryResponse> client = new RecordingObserver<>();
  private final AtomicInteger closedCallbacks = new AtomicInteger();
  private final DeltaStream stream = new DeltaStream(
      PROXY, SERVICE_CN, lookup, client, Instant.parse("2030-01-01T00:00:00Z"), closedCallbacks::incrementAndGet);

  @AfterEach
  void restoreLogging() {
    log.close();
  }

  @Test
  void subscribingSendsEachSecretWithItsOwnVersion() {
    stream.onRequest(firstDelta(CERT, INBOUND).build());

    assertThat(client.responseCount()).isOne();
    DeltaDiscoveryResponse response = client.last();
    assertThat(response.getTypeUrl()).isEqualTo(TypeUrls.SECRET);
    assertThat(response.getNonce()).isNotEmpty();
    assertThat(response.getRemovedResourcesList()).isEmpty();
    assertThat(response.getResourcesList()).extracting(Resource::getName).containsExactly(CERT, INBOUND);
    for (Resource resource : response.getResourcesList()) {
      assertThat(SdsRequests.unpack(resource.getResource())).isEqualTo(lookup.current(resource.getName()));
      assertThat(resource.getVersion()).isEqualTo(Versions.of(lookup.current(resource.getName())));
    }
  }

  @Test
  void theViewShowsTheSubscribedNamesAndTheLastAckedResponse() {
    stream.onRequest(firstDelta(CERT).build());
    String nonce = client.last().getNonce();

    stream.onRequest(ack(client.last()).addResourceNamesSubscribe(OUTBOUND).build());

    StreamView view = stream.view();
    assertThat(view.protocol()).isEqualTo("delta");
    assertThat(view.subscribed()).containsExactly(CERT, OUTBOUND);
    assertThat(view.lastAcked()).contains("response " + nonce);
    assertThat(view.lastNack()).isEmpty();
  }

  @Test
  void laterSubscriptionSendsOnlyTheNewSecret() {
    stream.onRequest(firstDelta(CERT).build());

    stream.onRequest(ack(client.last()).addResourceNamesSubscribe(OUTBOUND).build());

    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(client.last().getResourcesList()).extracting(Resource::getName).containsExactly(OUTBOUND);
  }

  @Test
  void initialVersionsMatchingTheCurrentSecretsSendNothing() {
    stream.onRequest(firstDelta(CERT, INBOUND)
        .putInitialResourceVersions(CERT, Versions.of(lookup.current(CERT)))
        .putInitialResourceVersions(INBOUND, Versions.of(lookup.current(INBOUND)))
        .build());

    assertThat(client.responseCount()).isZero();
    assertThat(client.errors()).isEmpty();
  }

  @Test
  void initialVersionsSendOnlyTheSecretsThatChangedSince() {
    stream.onRequest(firstDelta(CERT, INBOUND)
        .putInitialResourceVersions(CERT, Versions.of(lookup.current(CERT)))
        .putInitialResourceVersions(INBOUND, "a version from before the roots rotated")
        .build());

    assertThat(client.last().getResourcesList()).extracting(Resource::getName).containsExactly(INBOUND);
  }

  @Test
  void ackSendsNothing() {
    stream.onRequest(firstDelta(CERT, INBOUND).build());

    stream.onRequest(ack(client.last()).build());

    assertThat(client.responseCount()).isOne();
  }

  @Test
  void unsubscribedSecretIsNoLongerPushed() {
    stream.onRequest(firstDelta(CERT, INBOUND).build());
    stream.onRequest(ack(client.last()).addResourceNamesUnsubscribe(INBOUND).build());
    assertThat(client.responseCount()).isOne();

    lookup.put(INBOUND, "roots v2");
    stream.refresh();
    assertThat(client.responseCount()).isOne();

    lookup.put(CERT, "cert v2");
    stream.refresh();
    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(client.last().getResourcesList()).extracting(Resource::getName).containsExactly(CERT);
  }

  @Test
  void resubscribingAfterUnsubscribingSendsTheSecretAgain() {
    stream.onRequest(firstDelta(CERT, INBOUND).build());
    stream.onRequest(ack(client.last()).addResourceNamesUnsubscribe(INBOUND).build());

    stream.onRequest(ack(client.last()).addResourceNamesSubscribe(INBOUND).build());

    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(client.last().getResourcesList()).extracting(Resource::getName).containsExactly(INBOUND);
  }

  @Test
  void refreshSendsOnlyTheSecretsThatChanged() {
    stream.onRequest(firstDelta(CERT, INBOUND, OUTBOUND).build());
    DeltaDiscoveryResponse first = client.last();
    lookup.put(INBOUND, "roots v1 + roots v2");
    lookup.put(OUTBOUND, "roots v1 + roots v2 + bookstore");

    stream.refresh();
    stream.refresh();

    assertThat(client.responseCount()).isEqualTo(2);
    DeltaDiscoveryResponse pushed = client.last();
    assertThat(pushed.getNonce()).isNotEqualTo(first.getNonce());
    Map<String, Resource> byName = byName(pushed);
    assertThat(byName).containsOnlyKeys(INBOUND, OUTBOUND);
    assertThat(byName.get(INBOUND).getVersion()).isEqualTo(Versions.of(lookup.current(INBOUND)))
        .isNotEqualTo(byName(first).get(INBOUND).getVersion());
    assertThat(SdsRequests.unpack(byName.get(OUTBOUND).getResource())).isEqualTo(lookup.current(OUTBOUND));
  }

  @Test
  void refreshBeforeTheFirstRequestSendsNothing() {
    stream.refresh();

    assertThat(client.responseCount()).isZero();
  }

  @Test
  void nackIsLoggedWithItsDetailAndTheRejectedSecretIsNotSentAgain() {
    stream.onRequest(firstDelta(CERT).build());
    DeltaDiscoveryResponse rejected = client.last();

    stream.onRequest(ack(rejected)
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("cannot load private key")).build());
    stream.refresh();

    assertThat(client.responseCount()).isOne();
    assertThat(log.warnings()).anySatisfy(warning -> assertThat(warning)
        .contains(PROXY.commonName()).contains(rejected.getNonce()).contains("cannot load private key"));

    lookup.put(CERT, "cert v2");
    stream.refresh();
    assertThat(client.responseCount()).isEqualTo(2);
    assertThat(SdsRequests.unpack(client.last().getResources(0).getResource())).isEqualTo(lookup.current(CERT));
  }

  @Test
  void firstRequestWithoutNodeIsRefused() {
    stream.onRequest(firstDelta(CERT).clearNode().build());

    assertRefused(Code.INVALID_ARGUMENT, "node.id");
  }

  @Test
  void nodeIdOfAnotherProxyIsRefused() {
    stream.onRequest(firstDelta(CERT).setNode(node("someone-else")).build());

    assertRefused(Code.PERMISSION_DENIED, "someone-else", PROXY.commonName());
  }

  @Test
  void wrongTypeUrlIsRefused() {
    stream.onRequest(firstDelta(CERT).setTypeUrl("type.googleapis.com/envoy.config.listener.v3.Listener").build());

    assertRefused(Code.INVALID_ARGUMENT, "envoy.config.listener.v3.Listener");
  }

  @Test
  void lookupFailureClosesTheStreamWithItsStatus() {
    lookup.failWith(OUTBOUND, Code.NOT_FOUND, "service bookstore/bookstore does not exist");

    stream.onRequest(firstDelta(CERT, OUTBOUND).build());
    stream.refresh();

    assertThat(client.responseCount()).isZero();
    assertRefused(Code.NOT_FOUND, "service bookstore/bookstore does not exist");
  }

  private DeltaDiscoveryRequest.Builder ack(DeltaDiscoveryResponse response) {
    return DeltaDiscoveryRequest.newBuilder().setTypeUrl(TypeUrls.SECRET).setResponseNonce(response.getNonce());
  }

  private static Map<String, Resource> byName(DeltaDiscoveryResponse response) {
    return response.getResourcesList().stream().collect(Collectors.toMap(Resource::getName, Function.identity()));
  }

  private void assertRefused(Code code, String... inDescription) {
    io.grpc.Status status = client.closedWith();
    assertThat(status.getCode()).isEqualTo(code);
    assertThat(status.getDescription()).contains(inDescription);
    assertThat(closedCallbacks).hasValue(1);
  }

  @Test
  void acksAndNacksAreMeteredAndTheFirstRequestIsNeither() {
    CountingSdsMeter meter = new CountingSdsMeter();
    DeltaStream metered = new DeltaStream(PROXY, SERVICE_CN, lookup, client,
        Instant.parse("2030-01-01T00:00:00Z"), () -> {}, meter);
    metered.onRequest(firstDelta(CERT).build());
    DeltaDiscoveryResponse first = client.last();

    metered.onRequest(ack(first).build());
    metered.onRequest(ack(first).setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected")).build());

    assertThat(meter.told).containsExactly("ack", "nack");
  }
}

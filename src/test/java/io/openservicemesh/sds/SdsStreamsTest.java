package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.testing.LogCapture;
import io.openservicemesh.testing.TestCa;
import io.openservicemesh.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ArrayList;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SdsStreamsTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final MeshCertificateSpecs SPECS =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);
  private static final ServiceIdentity BOOKBUYER = new ServiceIdentity("bookbuyer", "bookstore");
  private static final ServiceIdentity BOOKSTORE = new ServiceIdentity("bookstore", "bookstore");

  private final LogCapture log = LogCapture.of("io.openservicemesh.sds");
  private final SdsStreams streams = new SdsStreams();

  @AfterEach
  void restoreLogging() {
    log.close();
  }

  @Test
  void refreshOfAnIdentityReachesOnlyThatIdentitysStreams() {
    TestStream buyer1 = open(BOOKBUYER, NOW.plusSeconds(60));
    TestStream buyer2 = open(BOOKBUYER, NOW.plusSeconds(60));
    TestStream store = open(BOOKSTORE, NOW.plusSeconds(60));
    TestStream namesakeElsewhere = open(new ServiceIdentity("bookbuyer", "other"), NOW.plusSeconds(60));

    streams.refresh(serviceCommonName(BOOKBUYER));

    assertThat(buyer1.refreshes).isOne();
    assertThat(buyer2.refreshes).isOne();
    assertThat(store.refreshes).isZero();
    assertThat(namesakeElsewhere.refreshes).isZero();
  }

  @Test
  void refreshOfAnIdentityWithoutStreamsDoesNothing() {
    TestStream store = open(BOOKSTORE, NOW.plusSeconds(60));

    streams.refresh(serviceCommonName(new ServiceIdentity("nobody", "bookstore")));

    assertThat(store.refreshes).isZero();
    assertThat(streams.identityCount()).isOne();
  }

  @Test
  void refreshAllReachesEveryStream() {
    TestStream buyer1 = open(BOOKBUYER, NOW.plusSeconds(60));
    TestStream buyer2 = open(BOOKBUYER, NOW.plusSeconds(60));
    TestStream store = open(BOOKSTORE, NOW.plusSeconds(60));

    streams.refreshAll();

    assertThat(buyer1.refreshes).isOne();
    assertThat(buyer2.refreshes).isOne();
    assertThat(store.refreshes).isOne();
  }

  @Test
  void aRenewedServiceCertificateIsPushedToTheStreamsOfItsIdentityOnly() throws Exception {
    TestStream buyer = open(BOOKBUYER, NOW.plusSeconds(60));
    TestStream store = open(BOOKSTORE, NOW.plusSeconds(60));
    Consumer<CertificateRotated> pushes = SdsPushes.listener(streams);

    pushes.accept(rotated(SPECS.service(BOOKBUYER)));

    assertThat(buyer.refreshes).isOne();
    assertThat(store.refreshes).isZero();

    // Only service certificates are served over SDS; other kinds push nothing, whatever their name.
    CertificateRotated webhook = rotated(SPECS.mutatingWebhook());
    pushes.accept(webhook);
    pushes.accept(new CertificateRotated(serviceCommonName(BOOKBUYER), CertificateKind.XDS_BOOTSTRAP,
        webhook.previous(), webhook.current()));

    assertThat(buyer.refreshes).isOne();
    assertThat(store.refreshes).isZero();
  }

  @Test
  void closeExpiredClosesExactlyTheStreamsAtOrPastTheirAgeWithUnavailable() {
    TestStream past = open(BOOKBUYER, NOW.minusSeconds(1));
    TestStream exactlyNow = open(BOOKSTORE, NOW);
    TestStream notYet = open(BOOKBUYER, NOW.plusMillis(1));

    int closed = streams.closeExpired(NOW);

    assertThat(closed).isEqualTo(2);
    for (TestStream stream : new TestStream[] {past, exactlyNow}) {
      Status status = stream.client.closedWith();
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription()).contains("maximum age");
      assertThat(stream.closedCallbacks).isOne();
    }
    assertThat(notYet.client.errors()).isEmpty();
    assertThat(notYet.closedCallbacks).isZero();
    assertThat(streams.streamCount()).isOne();
    assertThat(streams.identityCount()).isOne();

    streams.refreshAll();
    assertThat(past.refreshes + exactlyNow.refreshes).as("closed streams are no longer refreshed").isZero();
    assertThat(notYet.refreshes).isOne();

    assertThat(streams.closeExpired(NOW)).as("a second pass finds nothing new").isZero();
    assertThat(streams.closeExpired(NOW.plus(Duration.ofMillis(1)))).isOne();
    assertThat(streams.streamCount()).isZero();
    assertThat(streams.identityCount()).isZero();
  }

  @Test
  void aStreamWhoseClientLeavesAResponseUnansweredForTheDeadlineIsClosedWithUnavailable() {
    TestStream silent = open(BOOKBUYER, NOW.plusSeconds(3600));
    TestStream answering = open(BOOKSTORE, NOW.plusSeconds(3600));
    silent.trust = List.of(new Uptake(null, Uptake.State.PENDING, "version 7"));
    answering.trust = List.of(new Uptake("roots", Uptake.State.ACKED, "version 7"));
    Duration deadline = Duration.ofMinutes(1);

    assertThat(streams.closeUnanswered(NOW, deadline)).as("first seen unanswered").isZero();
    assertThat(streams.closeUnanswered(NOW.plus(deadline).minusSeconds(1), deadline)).isZero();
    assertThat(streams.closeUnanswered(NOW.plus(deadline), deadline)).isOne();

    Status status = silent.client.closedWith();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("version 7", "neither ACKed nor NACKed within 60 s", "reconnect");
    assertThat(answering.client.errors()).isEmpty();
    assertThat(streams.streamCount()).isOne();
  }

  @Test
  void aNewResponseOrAnAnswerStartsTheDeadlineAfresh() {
    TestStream slow = open(BOOKBUYER, NOW.plusSeconds(3600));
    Duration deadline = Duration.ofMinutes(1);
    slow.trust = List.of(new Uptake(null, Uptake.State.PENDING, "version 7"));
    streams.closeUnanswered(NOW, deadline);

    slow.trust = List.of(new Uptake(null, Uptake.State.PENDING, "version 8"));
    assertThat(streams.closeUnanswered(NOW.plusSeconds(50), deadline)).isZero();
    assertThat(streams.closeUnanswered(NOW.plusSeconds(100), deadline)).as("version 8 was first seen at 50 s").isZero();
    slow.trust = List.of(new Uptake("roots", Uptake.State.ACKED, "version 8"));
    assertThat(streams.closeUnanswered(NOW.plusSeconds(110), deadline)).isZero();
    slow.trust = List.of(new Uptake("roots", Uptake.State.PENDING, "version 9"));
    assertThat(streams.closeUnanswered(NOW.plusSeconds(120), deadline)).isZero();

    assertThat(streams.closeUnanswered(NOW.plusSeconds(180), deadline)).isOne();
  }

  @Test
  void countsFollowStreamsOpeningAndClosing() {
    assertThat(streams.streamCount()).isZero();
    assertThat(streams.identityCount()).isZero();

    TestStream buyer1 = open(BOOKBUYER, NOW.plusSeconds(60));
    TestStream buyer2 = open(BOOKBUYER, NOW.plusSeconds(60));
    TestStream store = open(BOOKSTORE, NOW.plusSeconds(60));
    assertThat(streams.streamCount()).isEqualTo(3);
    assertThat(streams.identityCount()).isEqualTo(2);

    buyer1.released();
    assertThat(streams.streamCount()).isEqualTo(2);
    assertThat(streams.identityCount()).isEqualTo(2);

    buyer2.released();
    buyer2.released();
    assertThat(streams.streamCount()).isOne();
    assertThat(streams.identityCount()).isOne();

    store.fail(Status.INTERNAL);
    assertThat(streams.streamCount()).isZero();
    assertThat(streams.identityCount()).isZero();
  }

  /** A rotation of the spec's certificate, from one real certificate to another. */
  private static CertificateRotated rotated(CertificateSpec spec) throws IssuanceException {
    TresorIssuer issuer = TestCa.issuer();
    return new CertificateRotated(spec.commonName(), spec.kind(), issuer.issue(spec), issuer.issue(spec));
  }

  /** The key renewals are announced under, as the service derives it. */
  private static String serviceCommonName(ServiceIdentity identity) {
    return SPECS.service(identity).commonName();
  }

  /** Streams on a clock the test moves, for the idle-identity tests. */
  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  private final SdsStreams clocked = new SdsStreams(new PushFanOut(1), clock);

  @AfterEach
  void closeClocked() {
    clocked.close();
  }

  @Test
  void anIdentityWithoutStreamsForTheGracePeriodIsReleasedOnce() {
    TestStream buyer = new TestStream(BOOKBUYER, NOW.plusSeconds(3600), clocked);
    clocked.add(buyer);
    List<ServiceIdentity> released = new ArrayList<>();

    buyer.released();
    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(clocked.releaseIdle(Duration.ofMinutes(10), released::add)).isZero();

    clock.advance(Duration.ofSeconds(1));
    assertThat(clocked.releaseIdle(Duration.ofMinutes(10), released::add)).isOne();
    assertThat(clocked.releaseIdle(Duration.ofMinutes(10), released::add)).isZero();
    assertThat(released).containsExactly(BOOKBUYER);
  }

  @Test
  void aStreamReturningWithinTheGraceKeepsItsIdentity() {
    TestStream first = new TestStream(BOOKBUYER, NOW.plusSeconds(3600), clocked);
    clocked.add(first);
    first.released();
    clock.advance(Duration.ofMinutes(5));
    clocked.add(new TestStream(BOOKBUYER, NOW.plusSeconds(3600), clocked));

    clock.advance(Duration.ofMinutes(30));

    assertThat(clocked.releaseIdle(Duration.ofMinutes(10), identity -> {
      throw new AssertionError("released " + identity + " while a stream is open");
    })).isZero();
    assertThat(clocked.idleIdentityCount()).isZero();
  }

  @Test
  void pushesReleasesAndReleasedIdentitiesAreMetered() {
    CountingSdsMeter meter = new CountingSdsMeter();
    clocked.meter = meter;
    TestStream first = new TestStream(BOOKBUYER, NOW.plusSeconds(3600), clocked);
    TestStream second = new TestStream(BOOKBUYER, NOW.plusSeconds(3600), clocked);
    clocked.add(first);
    clocked.add(second);

    clocked.refresh(serviceCommonName(BOOKBUYER));
    clocked.refreshAll();
    first.released();
    first.released();
    second.released();
    clock.advance(Duration.ofMinutes(10));
    clocked.releaseIdle(Duration.ofMinutes(10), identity -> {});

    assertThat(meter.told).containsExactly("pushed CERTIFICATE 2", "pushed ROOTS 2", "released", "released",
        "identities released 1");
  }

  private TestStream open(ServiceIdentity identity, Instant closeAt) {
    TestStream stream = new TestStream(identity, closeAt, streams);
    streams.add(stream);
    return stream;
  }

  /** Counts its refreshes and, like the service's streams, leaves the registry when it closes. */
  private static final class TestStream extends SdsStream<String> {

    final RecordingObserver<String> client;
    int refreshes;
    int closedCallbacks;
    /** What the client has taken up of the trust bundle, as a test sets it. */
    List<Uptake> trust = List.of();

    TestStream(ServiceIdentity identity, Instant closeAt, SdsStreams registry) {
      this(identity, closeAt, registry, new RecordingObserver<>(), new TestStream[1]);
    }

    private TestStream(ServiceIdentity identity, Instant closeAt, SdsStreams registry,
        RecordingObserver<String> client, TestStream[] self) {
      super(
          new ProxyIdentity(UUID.randomUUID(), identity),
          SdsStreamsTest.serviceCommonName(identity),
          (proxy, name) -> {
            throw new AssertionError("these streams look nothing up");
          },
          client,
          closeAt,
          () -> {
            self[0].closedCallbacks++;
            registry.remove(self[0]);
          });
      self[0] = this;
      this.client = client;
    }

    @Override
    void refresh() {
      refreshes++;
    }

    @Override
    List<Uptake> trustBundleUptake() {
      return trust;
    }

    @Override
    List<Uptake> certificateUptake() {
      return List.of();
    }

    @Override
    StreamView view() {
      return new StreamView(proxy.commonName(), proxy.service().toString(), "test", java.util.List.of(),
          java.util.Optional.empty(), java.util.Optional.empty(), closeAt());
    }
  }
}

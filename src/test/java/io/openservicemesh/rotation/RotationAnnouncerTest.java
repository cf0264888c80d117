package io.openservicemesh.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.rotation.RotationAnnouncer.SubscriberStatistics;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RotationAnnouncerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<Certificate> SERIALS = new ArrayList<>();

  private final RotationAnnouncer announcer = new RotationAnnouncer();
  private final CountDownLatch unblock = new CountDownLatch(1);

  @BeforeAll
  static void issueCertificates() throws Exception {
    MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    for (int i = 0; i < 5; i++) {
      SERIALS.add(TestCa.fixedRootIssuer(clock).issue(new CertificateSpec(CertificateKind.SERVICE, "x.ns.cluster.local",
          List.of("x.ns.cluster.local"), List.of(), Duration.ofHours(1), KeySpec.ECDSA_P256)));
    }
  }

  @AfterEach
  void closeAnnouncer() {
    unblock.countDown();
    announcer.close(Duration.ofSeconds(5));
  }

  /** A rotation of {@code name} from certificate {@code from} to certificate {@code to} of SERIALS. */
  private static CertificateRotated rotation(String name, int from, int to) {
    return new CertificateRotated(name, CertificateKind.SERVICE, SERIALS.get(from), SERIALS.get(to));
  }

  private static CertificateRotated next(BlockingQueue<CertificateRotated> received) throws InterruptedException {
    CertificateRotated event = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an announcement within " + WAIT).isNotNull();
    return event;
  }

  private static CertificateIssued issuance(String name, int serial) {
    return new CertificateIssued(name, CertificateKind.SERVICE, SERIALS.get(serial));
  }

  @Test
  void theAnnouncementsChannelTellsIssuedFromRotatedAndRotationSubscribersSeeOnlyRotations() throws Exception {
    BlockingQueue<CertificateAnnouncement> channel = new LinkedBlockingQueue<>();
    BlockingQueue<CertificateRotated> rotations = new LinkedBlockingQueue<>();
    announcer.subscribeToAnnouncements("channel", channel::add);
    announcer.subscribe("rotations", rotations::add);
    announcer.subscribe("by-name", List.of("a"), rotations::add);

    announcer.announce(issuance("a", 0));
    // Received before the rotation is announced: otherwise the two would coalesce (see the next test).
    CertificateAnnouncement first = channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    announcer.announce(rotation("a", 0, 1));
    CertificateAnnouncement second = channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(first).isInstanceOf(CertificateIssued.class).isEqualTo(issuance("a", 0));
    assertThat(second).isInstanceOf(CertificateRotated.class).isEqualTo(rotation("a", 0, 1));
    assertThat(next(rotations)).isEqualTo(rotation("a", 0, 1));
    assertThat(next(rotations)).isEqualTo(rotation("a", 0, 1));
    assertThat(rotations).as("no issuance reaches a rotation subscriber").isEmpty();
  }

  @Test
  void anIssuanceNotYetDeliveredAndItsRotationsCoalesceIntoTheIssuanceOfTheNewest() throws Exception {
    BlockingQueue<CertificateAnnouncement> channel = new LinkedBlockingQueue<>();
    CountDownLatch blocked = new CountDownLatch(1);
    announcer.subscribeToAnnouncements("slow", event -> {
      if (event.commonName().equals("blocker")) {
        blocked.countDown();
        awaitUnblock();
      }
      channel.add(event);
    });
    announcer.announce(issuance("blocker", 0));
    assertThat(blocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    announcer.announce(issuance("a", 1));
    announcer.announce(rotation("a", 1, 2));
    announcer.announce(rotation("a", 2, 3));
    unblock.countDown();

    assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(issuance("blocker", 0));
    assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(issuance("a", 3));
  }

  private void awaitUnblock() {
    try {
      unblock.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void everySubscriberReceivesEachAnnouncementOnceAndInOrder() throws Exception {
    BlockingQueue<CertificateRotated> sds = new LinkedBlockingQueue<>();
    BlockingQueue<CertificateRotated> webhook = new LinkedBlockingQueue<>();
    announcer.subscribe("sds", sds::add);
    announcer.subscribe("webhook", webhook::add);

    announcer.announce(rotation("a", 0, 1));
    announcer.announce(rotation("marker", 1, 2));

    for (BlockingQueue<CertificateRotated> received : List.of(sds, webhook)) {
      assertThat(next(received)).isEqualTo(rotation("a", 0, 1));
      assertThat(next(received)).isEqualTo(rotation("marker", 1, 2));
      assertThat(received).isEmpty();
    }
  }

  @Test
  void aFailingSubscriberIsCountedAndNeitherStopsTheOthersNorItsOwnNextEvent() throws Exception {
    BlockingQueue<CertificateRotated> failing = new LinkedBlockingQueue<>();
    BlockingQueue<CertificateRotated> healthy = new LinkedBlockingQueue<>();
    announcer.subscribe("failing", event -> {
      failing.add(event);
      if (event.commonName().equals("a")) {
        throw new IllegalStateException("subscriber bug");
      }
    });
    announcer.subscribe("healthy", healthy::add);

    announcer.announce(rotation("a", 0, 1));
    announcer.announce(rotation("b", 1, 2));

    assertThat(next(healthy).commonName()).isEqualTo("a");
    assertThat(next(healthy).commonName()).isEqualTo("b");
    assertThat(next(failing).commonName()).isEqualTo("a");
    assertThat(next(failing).commonName()).isEqualTo("b");
    // Deliveries to one subscriber are serial: once "b" arrived, the failure on "a" has been counted.
    assertThat(announcer.listenerFailures()).isEqualTo(1);
    assertThat(announcer.subscribers()).filteredOn(s -> s.name().equals("failing"))
        .extracting(SubscriberStatistics::failed).containsExactly(1L);
  }

  @Test
  void aSlowSubscriberDelaysNeitherTheAnnouncerNorTheOthers() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    BlockingQueue<CertificateRotated> slow = new LinkedBlockingQueue<>();
    BlockingQueue<CertificateRotated> fast = new LinkedBlockingQueue<>();
    announcer.subscribe("slow", event -> {
      slowStarted.countDown();
      awaitQuietly(unblock);
      slow.add(event);
    });
    announcer.subscribe("fast", fast::add);

    assertTimeoutPreemptively(WAIT, () -> {
      for (int i = 0; i < 100; i++) {
        announcer.announce(rotation("cn-" + i, 0, 1));
      }
    });
    assertThat(slowStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    for (int i = 0; i < 100; i++) {
      assertThat(next(fast).commonName()).isEqualTo("cn-" + i);
    }
    assertThat(slow).isEmpty();

    unblock.countDown();
    for (int i = 0; i < 100; i++) {
      assertThat(next(slow).commonName()).isEqualTo("cn-" + i);
    }
  }

  @Test
  void eventsPendingForOneIdentityMergeIntoOneFromTheOldestToTheNewest() throws Exception {
    BlockingQueue<CertificateRotated> received = new LinkedBlockingQueue<>();
    CountDownLatch busy = new CountDownLatch(1);
    announcer.subscribe("behind", event -> {
      busy.countDown();
      awaitQuietly(unblock);
      received.add(event);
    });

    announcer.announce(rotation("x", 0, 1));
    assertThat(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    announcer.announce(rotation("x", 1, 2));
    announcer.announce(rotation("x", 2, 3));
    unblock.countDown();

    assertThat(next(received)).isEqualTo(rotation("x", 0, 1));
    assertThat(next(received)).isEqualTo(rotation("x", 1, 3));
    assertThat(announcer.subscribers().get(0).coalesced()).isEqualTo(1);
  }

  @Test
  void aSubscriberTooFarBehindMissesNewIdentitiesAndTheyAreCounted() throws Exception {
    RotationAnnouncer small = new RotationAnnouncer(2);
    try {
      CountDownLatch busy = new CountDownLatch(1);
      BlockingQueue<CertificateRotated> received = new LinkedBlockingQueue<>();
      small.subscribe("behind", event -> {
        busy.countDown();
        awaitQuietly(unblock);
        received.add(event);
      });
      small.announce(rotation("first", 0, 1));
      assertThat(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

      small.announce(rotation("a", 0, 1));
      small.announce(rotation("b", 0, 1));
      small.announce(rotation("c", 0, 1));
      small.announce(rotation("a", 1, 2));

      assertThat(small.droppedEvents()).isEqualTo(1);
      unblock.countDown();
      assertThat(List.of(next(received), next(received), next(received)))
          .containsExactly(rotation("first", 0, 1), rotation("a", 0, 2), rotation("b", 0, 1));
    } finally {
      small.close();
    }
  }

  @Test
  void aSubscriberToSomeNamesReceivesOnlyTheirRotations() throws Exception {
    BlockingQueue<CertificateRotated> stream = new LinkedBlockingQueue<>();
    BlockingQueue<CertificateRotated> everything = new LinkedBlockingQueue<>();
    Subscription subscription = announcer.subscribe("sds:ns/a", List.of("a", "b"), stream::add);
    announcer.subscribe("webhook", everything::add);

    announcer.announce(rotation("a", 0, 1));
    announcer.announce(rotation("other", 0, 1));
    announcer.announce(rotation("b", 1, 2));

    assertThat(List.of(next(stream), next(stream))).extracting(CertificateRotated::commonName)
        .containsExactly("a", "b");
    assertThat(List.of(next(everything), next(everything), next(everything)))
        .extracting(CertificateRotated::commonName).containsExactly("a", "other", "b");
    assertThat(stream).isEmpty();

    subscription.close();
    announcer.announce(rotation("a", 1, 2));
    assertThat(next(everything).commonName()).isEqualTo("a");
    assertThat(stream).isEmpty();
    assertThat(announcer.subscribers()).extracting(SubscriberStatistics::name).containsExactly("webhook");
  }

  @Test
  void aClosedSubscriptionReceivesNothingMore() throws Exception {
    BlockingQueue<CertificateRotated> leaving = new LinkedBlockingQueue<>();
    BlockingQueue<CertificateRotated> staying = new LinkedBlockingQueue<>();
    Subscription subscription = announcer.subscribe("leaving", leaving::add);
    announcer.subscribe("staying", staying::add);

    subscription.close();
    subscription.close();
    announcer.announce(rotation("a", 0, 1));

    assertThat(next(staying).commonName()).isEqualTo("a");
    assertThat(announcer.subscribers()).extracting(SubscriberStatistics::name).containsExactly("staying");
    assertThat(leaving).isEmpty();
  }

  @Test
  void closingDeliversWhatIsPendingThenRefusesNewWork() throws Exception {
    BlockingQueue<CertificateRotated> received = new LinkedBlockingQueue<>();
    CountDownLatch busy = new CountDownLatch(1);
    announcer.subscribe("pending", event -> {
      busy.countDown();
      awaitQuietly(unblock);
      received.add(event);
    });
    announcer.announce(rotation("a", 0, 1));
    announcer.announce(rotation("b", 0, 1));
    assertThat(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> announcer.close(WAIT));
    unblock.countDown();

    assertThat(closed.get(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(received).extracting(CertificateRotated::commonName).containsExactly("a", "b");
    announcer.announce(rotation("late", 0, 1));
    assertThat(received).hasSize(2);
    assertThatThrownBy(() -> announcer.subscribe("late", event -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingInterruptsAListenerStuckPastTheGrace() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    announcer.subscribe("stuck", event -> {
      stuck.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    });
    announcer.announce(rotation("a", 0, 1));
    assertThat(stuck.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    assertThat(announcer.close(Duration.ofMillis(50))).isFalse();
    assertThat(interrupted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void anAnnouncementDescribesItselfWithoutAPrivateKey() {
    CertificateRotated event = rotation("a", 0, 1);

    assertThat(event.toString()).doesNotContain("PRIVATE KEY").contains("<redacted>");
    assertThat(event.summary()).isEqualTo("SERVICE a serial " + SERIALS.get(0).serialHex() + " -> "
        + SERIALS.get(1).serialHex());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

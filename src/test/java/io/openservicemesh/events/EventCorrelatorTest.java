package io.openservicemesh.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.events.EventCorrelator.Write;
import io.openservicemesh.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventCorrelatorTest {

  private static final EventSubject SECRET = EventSubject.secret("osm-system", "osm-ca-bundle");
  private static final EventSubject POD = EventSubject.pod("osm-system", "osm-controller-0");

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

  private EventCorrelator correlator(int burst) {
    return new EventCorrelator(clock, Duration.ofMinutes(10), Duration.ofSeconds(30),
        new TokenBucket(clock, burst, Duration.ofSeconds(2)), 4096);
  }

  @Test
  void theFirstOccurrenceCreatesAnEventNamedAfterItsSubject() {
    Write write = correlator(25).observe(SECRET, EventReason.CA_CREATED).orElseThrow();

    assertThat(write.create()).isTrue();
    assertThat(write.count()).isEqualTo(1);
    assertThat(write.eventName()).startsWith("osm-ca-bundle.").matches("[a-z0-9.-]+");
    assertThat(write.firstSeen()).isEqualTo(clock.instant());
  }

  @Test
  void repeatsWithinTheIntervalAreCountedAndWrittenOnceItHasPassed() {
    EventCorrelator correlator = correlator(25);
    Write first = correlator.observe(POD, EventReason.ISSUANCE_FAILED).orElseThrow();

    List<Optional<Write>> repeats = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      clock.advance(Duration.ofSeconds(1));
      repeats.add(correlator.observe(POD, EventReason.ISSUANCE_FAILED));
    }
    clock.advance(Duration.ofSeconds(30));
    Write bumped = correlator.observe(POD, EventReason.ISSUANCE_FAILED).orElseThrow();

    assertThat(repeats).allMatch(Optional::isEmpty);
    assertThat(bumped.create()).isFalse();
    assertThat(bumped.eventName()).isEqualTo(first.eventName());
    assertThat(bumped.count()).isEqualTo(11);
    assertThat(bumped.firstSeen()).isEqualTo(first.firstSeen());
    assertThat(bumped.lastSeen()).isEqualTo(clock.instant());
  }

  @Test
  void aRepeatAfterTheWindowIsANewEvent() {
    EventCorrelator correlator = correlator(25);
    Write first = correlator.observe(SECRET, EventReason.CA_SECRET_REFUSED).orElseThrow();

    clock.advance(Duration.ofMinutes(11));
    Write later = correlator.observe(SECRET, EventReason.CA_SECRET_REFUSED).orElseThrow();

    assertThat(later.create()).isTrue();
    assertThat(later.count()).isEqualTo(1);
    assertThat(later.eventName()).isNotEqualTo(first.eventName());
  }

  @Test
  void differentReasonsAboutOneSubjectAreDifferentEvents() {
    EventCorrelator correlator = correlator(25);

    Write refused = correlator.observe(SECRET, EventReason.CA_SECRET_REFUSED).orElseThrow();
    Write loaded = correlator.observe(SECRET, EventReason.CA_LOADED).orElseThrow();

    assertThat(loaded.create()).isTrue();
    assertThat(loaded.eventName()).isNotEqualTo(refused.eventName());
  }

  @Test
  void aStormAcrossManySubjectsIsCappedByTheSharedBucket() {
    EventCorrelator correlator = correlator(25);

    long written = 0;
    for (int i = 0; i < 1000; i++) {
      written += correlator.observe(EventSubject.namespace("ns-" + i), EventReason.INJECTION_REFUSED).stream().count();
    }
    clock.advance(Duration.ofSeconds(10));
    long afterTenSeconds = correlator.observe(EventSubject.namespace("late"), EventReason.INJECTION_REFUSED)
        .stream().count();

    assertThat(written).isEqualTo(25);
    assertThat(afterTenSeconds).isEqualTo(1);
  }

  @Test
  void aRepeatRefusedByTheBucketIsCountedIntoTheNextWrite() {
    EventCorrelator correlator = correlator(1);
    correlator.observe(POD, EventReason.ISSUANCE_FAILED).orElseThrow();
    clock.advance(Duration.ofSeconds(31));
    // The one token refilled at 2 s went to this repeat; the bucket is empty for the next.
    correlator.observe(POD, EventReason.ISSUANCE_FAILED).orElseThrow();
    clock.advance(Duration.ofSeconds(30));
    correlator.observe(EventSubject.namespace("other"), EventReason.INJECTION_REFUSED).orElseThrow();

    Optional<Write> starved = correlator.observe(POD, EventReason.ISSUANCE_FAILED);
    clock.advance(Duration.ofSeconds(2));
    Write next = correlator.observe(POD, EventReason.ISSUANCE_FAILED).orElseThrow();

    assertThat(starved).isEmpty();
    assertThat(next.count()).isEqualTo(4);
  }

  @Test
  void theLeastRecentlySeenSubjectIsForgottenBeyondTheBound() {
    EventCorrelator correlator = new EventCorrelator(clock, Duration.ofMinutes(10), Duration.ofSeconds(30),
        new TokenBucket(clock, 100, Duration.ofSeconds(1)), 2);
    Write a = correlator.observe(EventSubject.namespace("a"), EventReason.INJECTION_REFUSED).orElseThrow();
    correlator.observe(EventSubject.namespace("b"), EventReason.INJECTION_REFUSED);
    correlator.observe(EventSubject.namespace("c"), EventReason.INJECTION_REFUSED);
    clock.advance(Duration.ofSeconds(31));

    Write again = correlator.observe(EventSubject.namespace("a"), EventReason.INJECTION_REFUSED).orElseThrow();

    assertThat(again.create()).isTrue();
    assertThat(again.eventName()).isNotEqualTo(a.eventName());
  }
}

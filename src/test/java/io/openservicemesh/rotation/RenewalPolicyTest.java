package io.openservicemesh.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.RenewalWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RenewalPolicyTest {

  private static final Instant NOT_BEFORE = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofHours(24));
  private static final RenewalPolicy POLICY = RenewalPolicy.DEFAULT;

  @Test
  void withoutJitterRenewsWhenAThirdOfTheLifetimeRemains() {
    RenewalPolicy plain = new RenewalPolicy(1.0 / 3, 0);

    assertThat(plain.renewAt(NOT_BEFORE, NOT_AFTER, 0.0)).isEqualTo(NOT_BEFORE.plus(Duration.ofHours(16)));
    assertThat(plain.renewAt(NOT_BEFORE, NOT_AFTER, 0.999)).isEqualTo(NOT_BEFORE.plus(Duration.ofHours(16)));
  }

  @Test
  void theMiddleOfTheJitterIsThePlainRule() {
    assertThat(POLICY.renewAt(NOT_BEFORE, NOT_AFTER, 0.5)).isEqualTo(NOT_BEFORE.plus(Duration.ofHours(16)));
  }

  @Test
  void theJitterEdgesAreFivePercentOfTheLifetimeEitherSide() {
    Duration fivePercent = Duration.ofMinutes(72);

    assertThat(POLICY.renewAt(NOT_BEFORE, NOT_AFTER, 0.0))
        .isEqualTo(NOT_BEFORE.plus(Duration.ofHours(16)).minus(fivePercent));
    // The draw never reaches 1; at millisecond resolution the latest instant is the upper edge.
    Instant latest = POLICY.renewAt(NOT_BEFORE, NOT_AFTER, Math.nextDown(1.0));
    assertThat(Duration.between(latest, NOT_BEFORE.plus(Duration.ofHours(16)).plus(fivePercent)))
        .isBetween(Duration.ZERO, Duration.ofMillis(1));
  }

  @Test
  void drawsCoverTheWholeJitterWindowAndNeverLeaveIt() {
    Instant earliest = NOT_BEFORE.plus(Duration.ofHours(16)).minus(Duration.ofMinutes(72));
    Instant latest = NOT_BEFORE.plus(Duration.ofHours(16)).plus(Duration.ofMinutes(72));
    SplittableRandom random = new SplittableRandom(42);
    Instant min = Instant.MAX;
    Instant max = Instant.MIN;
    int[] buckets = new int[10];
    for (int i = 0; i < 10_000; i++) {
      Instant at = POLICY.renewAt(NOT_BEFORE, NOT_AFTER, random.nextDouble());
      assertThat(at).isBetween(earliest, latest);
      min = at.isBefore(min) ? at : min;
      max = at.isAfter(max) ? at : max;
      int bucket = (int) (Duration.between(earliest, at).toMillis() * 10 / Duration.ofMinutes(144).toMillis());
      buckets[Math.min(bucket, 9)]++;
    }
    // Spread over the window: a fleet issued together renews over 2.4 hours, not in one pass.
    assertThat(Duration.between(min, max)).isGreaterThan(Duration.ofMinutes(140));
    for (int count : buckets) {
      assertThat(count).as("draws per tenth of the window").isBetween(800, 1200);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
  void refusesADrawOutsideTheUnitInterval(double uniform) {
    assertThatThrownBy(() -> POLICY.renewAt(NOT_BEFORE, NOT_AFTER, uniform))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uniform");
  }

  @Test
  void isDueFromTheRenewalInstantOnAndNotBefore() {
    Instant renewAt = POLICY.renewAt(NOT_BEFORE, NOT_AFTER, 0.25);

    assertThat(POLICY.isDue(NOT_BEFORE, NOT_AFTER, 0.25, renewAt.minusMillis(1))).isFalse();
    assertThat(POLICY.isDue(NOT_BEFORE, NOT_AFTER, 0.25, renewAt)).isTrue();
    assertThat(POLICY.isDue(NOT_BEFORE, NOT_AFTER, 0.25, NOT_AFTER.plusSeconds(1))).isTrue();
  }

  @Test
  void theRenewalPointScalesWithTheLifetime() {
    Instant tenMinutesLater = NOT_BEFORE.plus(Duration.ofMinutes(10));
    assertThat(POLICY.renewAt(NOT_BEFORE, tenMinutesLater, 0.5))
        .isEqualTo(NOT_BEFORE.plus(Duration.ofMillis(400_000)));
    Instant tenYearsLater = NOT_BEFORE.plus(Duration.ofDays(3650));
    assertThat(POLICY.renewAt(NOT_BEFORE, tenYearsLater, 0.5))
        .isBetween(NOT_BEFORE.plus(Duration.ofDays(2433)), NOT_BEFORE.plus(Duration.ofDays(2434)));
  }

  @Test
  void aBackdatedNotBeforeIsPartOfTheLifetimeSoRenewalComesNoLater() {
    // Our own clock-skew allowance: NotBefore one minute before issuance, NotAfter 24h after it.
    Instant issuedAt = NOT_BEFORE;
    Instant backdated = issuedAt.minus(Duration.ofMinutes(1));
    Instant notAfter = issuedAt.plus(Duration.ofHours(24));

    Instant latest = POLICY.renewAt(backdated, notAfter, Math.nextDown(1.0));

    assertThat(Duration.between(latest, notAfter))
        .as("lead at the latest jitter")
        .isGreaterThanOrEqualTo(POLICY.shortestLead(Duration.ofHours(24)));
    assertThat(POLICY.renewAt(backdated, notAfter, 0.5)).isBefore(POLICY.renewAt(issuedAt, notAfter, 0.5));
  }

  @Test
  void aNotBeforeInTheFutureStillRenewsInsideTheLifetimeNotAtOnce() {
    // An issuer whose clock runs five minutes ahead of ours.
    Instant ourNow = NOT_BEFORE;
    Instant theirNotBefore = ourNow.plus(Duration.ofMinutes(5));
    Instant notAfter = theirNotBefore.plus(Duration.ofHours(24));

    Instant renewAt = POLICY.renewAt(theirNotBefore, notAfter, 0.0);

    assertThat(POLICY.isDue(theirNotBefore, notAfter, 0.0, ourNow)).isFalse();
    assertThat(renewAt).isAfter(theirNotBefore).isBefore(notAfter);
  }

  @Test
  void aCertificateWithoutLifetimeIsDueAndOverdueAtOnce() {
    assertThat(POLICY.renewAt(NOT_BEFORE, NOT_BEFORE, 0.3)).isEqualTo(NOT_BEFORE);
    Instant inverted = NOT_BEFORE.minusSeconds(60);
    assertThat(POLICY.renewAt(NOT_BEFORE, inverted, 0.3)).isEqualTo(inverted);
    assertThat(POLICY.overdueAt(NOT_BEFORE, inverted)).isEqualTo(inverted);
  }

  @Test
  void overdueComesWithFivePercentLeftAndAfterTheLatestRenewal() {
    assertThat(POLICY.overdueAt(NOT_BEFORE, NOT_AFTER)).isEqualTo(NOT_AFTER.minus(Duration.ofMinutes(72)));
    RenewalWindow latest = POLICY.window(NOT_BEFORE, NOT_AFTER, Math.nextDown(1.0));
    assertThat(latest.overdueAt()).isAfter(latest.renewAt());
  }

  @Test
  void aNarrowRenewalLeadHalvesTheOverdueMargin() {
    // renewBefore - jitter = 0.06: the overdue margin is 3% of the lifetime, not 5%.
    RenewalPolicy late = new RenewalPolicy(0.08, 0.02);

    assertThat(Duration.between(late.overdueAt(NOT_BEFORE, NOT_AFTER), NOT_AFTER))
        .isEqualTo(Duration.ofMillis((long) Math.floor(Duration.ofHours(24).toMillis() * 0.03)));
    assertThat(late.window(NOT_BEFORE, NOT_AFTER, Math.nextDown(1.0)).overdueAt())
        .isAfter(late.renewAt(NOT_BEFORE, NOT_AFTER, Math.nextDown(1.0)));
  }

  @Test
  void theShortestLeadIsTheLifetimeLeftAtTheLatestJitter() {
    assertThat(POLICY.shortestLead(Duration.ofHours(24)))
        .isEqualTo(Duration.ofMillis((long) Math.floor(Duration.ofHours(24).toMillis() * (1.0 / 3 - 0.05))));
    assertThat(POLICY.shortestLead(Duration.ofMinutes(10))).isGreaterThan(Duration.ofSeconds(169));
  }

  @ParameterizedTest(name = "renewBefore={0} jitter={1}")
  @CsvSource({"0, 0", "1, 0", "0.5, -0.1", "0.1, 0.1", "0.9, 0.1", "NaN, 0", "0.5, NaN"})
  void refusesAWindowOutsideTheLifetime(double renewBefore, double jitter) {
    assertThatThrownBy(() -> new RenewalPolicy(renewBefore, jitter)).isInstanceOf(IllegalArgumentException.class);
  }
}

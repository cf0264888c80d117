package io.openservicemesh.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {

  private static final double ALMOST_ONE = Math.nextDown(1.0);

  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

  @Test
  void firstAttemptWaitsUpToTheBase() {
    assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void ceilingDoublesUntilTheCap() {
    assertThat(IntStream.rangeClosed(0, 9).mapToObj(backoff::ceiling))
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofMillis(1600),
            Duration.ofMillis(3200),
            Duration.ofMillis(6400),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10));
  }

  @Test
  void capThatIsAnExactDoublingIsReachedExactly() {
    Backoff exact = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8));

    assertThat(IntStream.rangeClosed(0, 5).mapToObj(exact::ceiling))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(8),
            Duration.ofSeconds(8));
  }

  @Test
  void baseEqualToCapNeverGrows() {
    Backoff flat = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(5));

    assertThat(flat.ceiling(0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(flat.ceiling(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(flat.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @ValueSource(ints = {30, 31, 32, 62, 63, 64, 65, 127, 1_000, Integer.MAX_VALUE})
  void hugeAttemptNumbersStayAtTheCap(int attempt) {
    assertThat(backoff.ceiling(attempt)).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.delay(attempt, 0)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void ceilingNeverOverflowsEvenWithTheLargestCap() {
    Backoff widest = new Backoff(Duration.ofNanos(1), Duration.ofNanos(Long.MAX_VALUE));

    Duration previous = Duration.ZERO;
    for (int attempt = 0; attempt <= 200; attempt++) {
      Duration ceiling = widest.ceiling(attempt);
      assertThat(ceiling)
          .as("attempt %d", attempt)
          .isPositive()
          .isGreaterThanOrEqualTo(previous)
          .isLessThanOrEqualTo(Duration.ofNanos(Long.MAX_VALUE));
      previous = ceiling;
    }
    assertThat(widest.ceiling(62)).isEqualTo(Duration.ofNanos(1L << 62));
  }

  @Test
  void doublingPastTheLargestCapGivesTheCap() {
    Backoff widest = new Backoff(Duration.ofNanos(2), Duration.ofNanos(Long.MAX_VALUE));

    assertThat(widest.ceiling(61)).isEqualTo(Duration.ofNanos(1L << 62));
    assertThat(widest.ceiling(62)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(widest.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
  }

  static Stream<Arguments> backoffsAndAttempts() {
    Backoff typical = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    Backoff widest = new Backoff(Duration.ofNanos(1), Duration.ofNanos(Long.MAX_VALUE));
    Backoff minutes = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
    return Stream.of(
        Arguments.of(typical, 0),
        Arguments.of(typical, 1),
        Arguments.of(typical, 6),
        Arguments.of(typical, 7),
        Arguments.of(typical, Integer.MAX_VALUE),
        Arguments.of(minutes, 3),
        Arguments.of(minutes, 9),
        Arguments.of(widest, 40),
        Arguments.of(widest, 62),
        Arguments.of(widest, 63));
  }

  @ParameterizedTest
  @MethodSource("backoffsAndAttempts")
  void delayIsWithinTheUpperHalfBelowTheCeiling(Backoff backoff, int attempt) {
    long ceiling = backoff.ceiling(attempt).toNanos();

    Duration shortest = backoff.delay(attempt, 0);
    Duration middle = backoff.delay(attempt, 0.5);
    Duration longest = backoff.delay(attempt, ALMOST_ONE);

    assertThat(shortest).isEqualTo(Duration.ofNanos(ceiling / 2));
    assertThat(middle.toNanos()).isBetween(ceiling / 2, ceiling - 1);
    assertThat(longest.toNanos()).isGreaterThanOrEqualTo(middle.toNanos()).isLessThan(ceiling);
  }

  @Test
  void delayOfTheTypicalBackoffIsExact() {
    assertThat(backoff.delay(0, 0)).isEqualTo(Duration.ofMillis(50));
    assertThat(backoff.delay(0, 0.5)).isEqualTo(Duration.ofMillis(75));
    assertThat(backoff.delay(3, 0.25)).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.delay(3, ALMOST_ONE))
        .isLessThan(Duration.ofMillis(800))
        .isGreaterThan(Duration.ofMillis(799));
  }

  @Test
  void baseMustBePositive() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < base <= cap");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < base <= cap");
  }

  @Test
  void capMustNotBeBelowTheBase() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT2S")
        .hasMessageContaining("PT1S");
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {-0.000001, -1, 1.0, 1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void uniformMustBeInTheUnitInterval(double uniform) {
    assertThatThrownBy(() -> backoff.delay(0, uniform))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uniform must be in [0, 1)");
  }
}

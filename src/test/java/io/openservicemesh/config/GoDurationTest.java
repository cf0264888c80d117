package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GoDurationTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;

  static Stream<Arguments> validDurations() {
    return Stream.of(
        Arguments.of("1h", HOUR),
        Arguments.of("30m", 30 * MINUTE),
        Arguments.of("1.5h", 90 * MINUTE),
        Arguments.of("1h30m", 90 * MINUTE),
        Arguments.of("300ms", 300_000_000L),
        Arguments.of("1us", 1_000L),
        Arguments.of("1\u00b5s", 1_000L),
        Arguments.of("1\u03bcs", 1_000L),
        Arguments.of("1ns", 1L),
        Arguments.of("2h45m30.5s", 2 * HOUR + 45 * MINUTE + 30 * SECOND + 500_000_000L),
        Arguments.of(".5h", 30 * MINUTE),
        Arguments.of("1.s", SECOND),
        Arguments.of("0", 0L),
        Arguments.of("-0", 0L),
        Arguments.of("+5m", 5 * MINUTE),
        Arguments.of("-1h", -HOUR),
        Arguments.of("-1.5h", -90 * MINUTE),
        Arguments.of("0.000000001s", 1L),
        Arguments.of("1.0000000019s", SECOND + 1),
        Arguments.of("1h1h", 2 * HOUR),
        Arguments.of("87600h", 87_600 * HOUR),
        Arguments.of("2562047h47m16.854775807s", Long.MAX_VALUE),
        Arguments.of("-2562047h47m16.854775808s", Long.MIN_VALUE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validDurations")
  void parsesExactlyToTheNanosecond(String text, long expectedNanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(expectedNanos));
  }

  static Stream<Arguments> invalidDurations() {
    return Stream.of(
        Arguments.of("", "it is empty"),
        Arguments.of(" ", "it is blank"),
        Arguments.of("1", "missing unit after \"1\""),
        Arguments.of("1.5", "missing unit after \"1.5\""),
        Arguments.of("1h30", "missing unit after \"30\""),
        Arguments.of("h", "expected a number but found \"h\""),
        Arguments.of("1hh", "unknown unit \"hh\""),
        Arguments.of("1x", "unknown unit \"x\""),
        Arguments.of("1H", "unknown unit \"H\""),
        Arguments.of("--1h", "expected a number but found \"-1h\""),
        Arguments.of("1h-1m", "unknown unit \"h-\""),
        Arguments.of(" 1h", "expected a number but found \" 1h\""),
        Arguments.of(".h", "\".\" needs digits before or after it"),
        Arguments.of("-", "a sign must be followed by a number"),
        Arguments.of("00", "missing unit after \"00\""),
        Arguments.of(
            "9999999999999h",
            "it is out of range (the longest duration is 2562047h47m16.854775807s)"),
        Arguments.of(
            "2562047h47m16.854775808s",
            "it is out of range (the longest duration is 2562047h47m16.854775807s)"));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("invalidDurations")
  void refusesWithAMessageThatNamesTheProblem(String text, String reason) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .isInstanceOfSatisfying(
            InvalidDurationException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessage(
            "\"%s\" is not a duration: %s (use a number with a unit, e.g. 1h, 30m, 1.5h, 1h30m;"
                + " units: h, m, s, ms, us, ns)",
            text,
            reason);
  }

  @Test
  void messageForAnUnknownUnitReadsAsDocumented() {
    assertThatThrownBy(() -> GoDuration.parse("1x"))
        .hasMessage(
            "\"1x\" is not a duration: unknown unit \"x\" (use a number with a unit, e.g. 1h, 30m,"
                + " 1.5h, 1h30m; units: h, m, s, ms, us, ns)");
  }

  static Stream<Arguments> formatted() {
    return Stream.of(
        Arguments.of(Duration.ofHours(24), "24h0m0s"),
        Arguments.of(Duration.ofMinutes(90), "1h30m0s"),
        Arguments.of(Duration.ofMinutes(1), "1m0s"),
        Arguments.of(Duration.ofSeconds(61), "1m1s"),
        Arguments.of(Duration.ofMillis(500), "500ms"),
        Arguments.of(Duration.ofMillis(1500), "1.5s"),
        Arguments.of(Duration.ofNanos(1_500), "1.5us"),
        Arguments.of(Duration.ofNanos(1_000_001), "1.000001ms"),
        Arguments.of(Duration.ofNanos(7), "7ns"),
        Arguments.of(Duration.ZERO, "0s"),
        Arguments.of(Duration.ofHours(-1), "-1h0m0s"),
        Arguments.of(Duration.ofNanos(Long.MAX_VALUE), "2562047h47m16.854775807s"),
        Arguments.of(Duration.ofNanos(Long.MIN_VALUE), "-2562047h47m16.854775808s"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("formatted")
  void formatsCompactlyLikeGo(Duration duration, String expected) {
    assertThat(GoDuration.format(duration)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formatted")
  void formattedDurationsParseBack(Duration duration, String text) {
    assertThat(GoDuration.parse(text)).isEqualTo(duration);
  }

  @Test
  void formatsDurationsBeyondGosRange() {
    assertThat(GoDuration.format(Duration.ofDays(200_000))).isEqualTo("4800000h0m0s");
  }
}

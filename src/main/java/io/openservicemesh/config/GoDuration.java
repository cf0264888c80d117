package io.openservicemesh.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Durations written the way Go's {@code time.ParseDuration} reads them, because OSM's Helm values
 * and CLI use that syntax ("24h", "1h30m", "1.5h") and operators copy settings over unchanged.
 *
 * <p>The range is Go's as well: at most 2^63-1 nanoseconds either way (about 292 years). Keeping
 * to it means every parsed duration also survives {@link Duration#toNanos()}.
 */
public final class GoDuration {

  private static final BigInteger NANOS_PER_MICRO = BigInteger.valueOf(1_000L);
  private static final BigInteger NANOS_PER_MILLI = BigInteger.valueOf(1_000_000L);
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger NANOS_PER_MINUTE =
      NANOS_PER_SECOND.multiply(BigInteger.valueOf(60));
  private static final BigInteger NANOS_PER_HOUR =
      NANOS_PER_MINUTE.multiply(BigInteger.valueOf(60));

  // Go accepts both "micro" code points: U+00B5 MICRO SIGN and U+03BC GREEK SMALL LETTER MU.
  private static final Map<String, BigInteger> NANOS_PER_UNIT =
      Map.of(
          "ns", BigInteger.ONE,
          "us", NANOS_PER_MICRO,
          "\u00b5s", NANOS_PER_MICRO,
          "\u03bcs", NANOS_PER_MICRO,
          "ms", NANOS_PER_MILLI,
          "s", NANOS_PER_SECOND,
          "m", NANOS_PER_MINUTE,
          "h", NANOS_PER_HOUR);

  private static final BigInteger LONGEST = BigInteger.valueOf(Long.MAX_VALUE);
  // Two's complement allows one more nanosecond on the negative side, as in Go.
  private static final BigInteger LONGEST_NEGATIVE = LONGEST.add(BigInteger.ONE);

  private GoDuration() {}

  /**
   * Parses a possibly signed sequence of decimal numbers, each with an optional fraction and a
   * unit, such as "300ms", "-1.5h" or "2h45m". A lone "0" needs no unit.
   *
   * @throws InvalidDurationException (an {@link IllegalArgumentException}) naming what is wrong
   */
  public static Duration parse(String text) {
    if (text.isEmpty()) {
      throw new InvalidDurationException(text, "it is empty");
    }
    if (text.isBlank()) {
      throw new InvalidDurationException(text, "it is blank");
    }
    boolean negative = text.charAt(0) == '-';
    int pos = (negative || text.charAt(0) == '+') ? 1 : 0;
    if (text.substring(pos).equals("0")) {
      return Duration.ZERO;
    }
    if (pos == text.length()) {
      throw new InvalidDurationException(text, "a sign must be followed by a number");
    }

    BigInteger totalNanos = BigInteger.ZERO;
    while (pos < text.length()) {
      int numberStart = pos;
      int intEnd = skipDigits(text, pos);
      int fractionStart = intEnd;
      int fractionEnd = intEnd;
      if (intEnd < text.length() && text.charAt(intEnd) == '.') {
        fractionStart = intEnd + 1;
        fractionEnd = skipDigits(text, fractionStart);
      }
      if (intEnd == numberStart && fractionEnd == fractionStart) {
        String found = text.substring(numberStart);
        throw new InvalidDurationException(
            text,
            fractionEnd > numberStart
                ? "\".\" needs digits before or after it"
                : "expected a number but found \"" + found + "\"");
      }
      int unitEnd = skipNonNumber(text, fractionEnd);
      String number = text.substring(numberStart, fractionEnd);
      if (unitEnd == fractionEnd) {
        throw new InvalidDurationException(text, "missing unit after \"" + number + "\"");
      }
      String unit = text.substring(fractionEnd, unitEnd);
      BigInteger unitNanos = NANOS_PER_UNIT.get(unit);
      if (unitNanos == null) {
        throw new InvalidDurationException(text, "unknown unit \"" + unit + "\"");
      }
      totalNanos =
          totalNanos.add(
              nanosOf(
                  text.substring(numberStart, intEnd),
                  text.substring(fractionStart, fractionEnd),
                  unitNanos));
      pos = unitEnd;
    }

    if (totalNanos.compareTo(negative ? LONGEST_NEGATIVE : LONGEST) > 0) {
      String longest = format(Duration.ofNanos(Long.MAX_VALUE));
      throw new InvalidDurationException(
          text, "it is out of range (the longest duration is " + longest + ")");
    }
    return Duration.ofNanos((negative ? totalNanos.negate() : totalNanos).longValueExact());
  }

  /** Whole nanoseconds in one number-and-unit; finer fractions are dropped, as Go does. */
  private static BigInteger nanosOf(String intDigits, String fractionDigits, BigInteger unitNanos) {
    BigInteger whole = intDigits.isEmpty() ? BigInteger.ZERO : new BigInteger(intDigits);
    BigInteger nanos = whole.multiply(unitNanos);
    if (!fractionDigits.isEmpty()) {
      BigInteger scale = BigInteger.TEN.pow(fractionDigits.length());
      nanos = nanos.add(new BigInteger(fractionDigits).multiply(unitNanos).divide(scale));
    }
    return nanos;
  }

  private static int skipDigits(String text, int pos) {
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  /** A unit runs until the next number starts, so "1h-1m" reads the unit "h-" and is refused. */
  private static int skipNonNumber(String text, int pos) {
    while (pos < text.length() && text.charAt(pos) != '.' && !isDigit(text.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * A compact form for log lines, like Go's {@code Duration.String()}: "24h0m0s", "1m30s", "1.5s",
   * "500ms". Microseconds are written "us" rather than Go's "µs" so logs stay ASCII; {@link
   * #parse} reads both.
   */
  public static String format(Duration duration) {
    BigInteger nanos =
        BigInteger.valueOf(duration.getSeconds())
            .multiply(NANOS_PER_SECOND)
            .add(BigInteger.valueOf(duration.getNano()));
    String sign = nanos.signum() < 0 ? "-" : "";
    BigInteger magnitude = nanos.abs();
    if (magnitude.signum() == 0) {
      return "0s";
    }
    if (magnitude.compareTo(NANOS_PER_MICRO) < 0) {
      return sign + magnitude + "ns";
    }
    if (magnitude.compareTo(NANOS_PER_MILLI) < 0) {
      return sign + decimal(magnitude, NANOS_PER_MICRO, 3) + "us";
    }
    if (magnitude.compareTo(NANOS_PER_SECOND) < 0) {
      return sign + decimal(magnitude, NANOS_PER_MILLI, 6) + "ms";
    }
    BigInteger[] hoursAndRest = magnitude.divideAndRemainder(NANOS_PER_HOUR);
    BigInteger[] minutesAndRest = hoursAndRest[1].divideAndRemainder(NANOS_PER_MINUTE);
    String seconds = decimal(minutesAndRest[1], NANOS_PER_SECOND, 9) + "s";
    if (hoursAndRest[0].signum() > 0) {
      return sign + hoursAndRest[0] + "h" + minutesAndRest[0] + "m" + seconds;
    }
    if (minutesAndRest[0].signum() > 0) {
      return sign + minutesAndRest[0] + "m" + seconds;
    }
    return sign + seconds;
  }

  /** {@code nanos / unit} as a decimal without trailing zeros, e.g. 1500 / 1000 as "1.5". */
  private static String decimal(BigInteger nanos, BigInteger unit, int fractionDigits) {
    BigInteger[] wholeAndRest = nanos.divideAndRemainder(unit);
    if (wholeAndRest[1].signum() == 0) {
      return wholeAndRest[0].toString();
    }
    String fraction = String.format("%0" + fractionDigits + "d", wholeAndRest[1]);
    return wholeAndRest[0] + "." + fraction.replaceAll("0+$", "");
  }
}

package io.openservicemesh.config;

import java.math.BigDecimal;
import java.math.MathContext;

/** Writes fractions of a lifetime the same way in logs and messages. */
final class Fractions {

  private Fractions() {}

  /**
   * Four significant digits at most, no trailing zeros: {@code 0.3333}, {@code 0.05}, {@code 0}.
   */
  static String format(double fraction) {
    if (fraction == 0) {
      return "0";
    }
    return BigDecimal.valueOf(fraction)
        .round(new MathContext(4))
        .stripTrailingZeros()
        .toPlainString();
  }
}

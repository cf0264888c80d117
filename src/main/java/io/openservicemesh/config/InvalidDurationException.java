package io.openservicemesh.config;

/**
 * A text that is not a duration. Besides the full message it keeps the bare reason, so that a
 * configuration problem can quote the reason without repeating the value and the usage hint.
 */
public final class InvalidDurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  static final String USAGE =
      "use a number with a unit, e.g. 1h, 30m, 1.5h, 1h30m; units: h, m, s, ms, us, ns";

  private final String reason;

  InvalidDurationException(String text, String reason) {
    super("\"" + text + "\" is not a duration: " + reason + " (" + USAGE + ")");
    this.reason = reason;
  }

  /** What is wrong, e.g. {@code unknown unit "x"}. */
  public String reason() {
    return reason;
  }
}

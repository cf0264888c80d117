package io.openservicemesh.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The log levels Envoy's {@code --log-level} accepts, as OSM's configuration named them. */
public final class EnvoyLogLevel {

  private static final List<String> NAMES =
      List.of("trace", "debug", "info", "warning", "warn", "error", "critical", "off");

  private EnvoyLogLevel() {}

  public static List<String> names() {
    return NAMES;
  }

  /** The level in lowercase, when the text names one in any case. */
  public static Optional<String> fromConfigName(String text) {
    String level = text.toLowerCase(Locale.ROOT);
    return NAMES.contains(level) ? Optional.of(level) : Optional.empty();
  }
}

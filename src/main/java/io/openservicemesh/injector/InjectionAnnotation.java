package io.openservicemesh.injector;

import java.util.Locale;
import java.util.Optional;

/** The {@code openservicemesh.io/sidecar-injection} annotation and the values it accepts. */
public final class InjectionAnnotation {

  public static final String NAME = "openservicemesh.io/sidecar-injection";
  static final String ACCEPTED = "enabled, yes, true (inject) or disabled, no, false (do not inject), in any case";

  private InjectionAnnotation() {}

  /** True to inject, false not to, empty when the value is none of the accepted words. */
  public static Optional<Boolean> parse(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "enabled", "yes", "true" -> Optional.of(true);
      case "disabled", "no", "false" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}

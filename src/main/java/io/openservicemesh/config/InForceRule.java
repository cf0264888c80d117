package io.openservicemesh.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one rule for what a running control plane works with, derived from {@link Setting#live()}: a live setting
 * as configured now, every other one (and any other name read, such as an alias) as it was at start-up. Pure
 * functions of two lookups, so the rule is tested on its own.
 */
public final class InForceRule {

  private InForceRule() {}

  /** A lookup answering live keys from {@code now} and every other key from {@code startup}. */
  public static Function<String, Optional<String>> inForce(
      Function<String, Optional<String>> startup, Function<String, Optional<String>> now) {
    return key -> Setting.forKey(key).filter(Setting::live).isPresent() ? now.apply(key) : startup.apply(key);
  }

  /** The restart-only settings whose value (under their key or alias) now differs from start-up's. */
  public static List<String> waitingForRestart(
      Function<String, Optional<String>> startup, Function<String, Optional<String>> now) {
    List<String> keys = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      if (setting.live()) {
        continue;
      }
      boolean changed = !sameValue(startup, now, setting.key())
          || setting.alias().filter(alias -> !sameValue(startup, now, alias)).isPresent();
      if (changed) {
        keys.add(setting.key());
      }
    }
    return keys;
  }

  /** Blank and unset mean the same: the default. */
  private static boolean sameValue(
      Function<String, Optional<String>> startup, Function<String, Optional<String>> now, String key) {
    return Objects.equals(normalized(startup.apply(key)), normalized(now.apply(key)));
  }

  private static Optional<String> normalized(Optional<String> value) {
    return value.map(String::trim).filter(text -> !text.isEmpty());
  }
}

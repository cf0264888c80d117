package io.openservicemesh.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings one by one and keeps every problem instead of stopping at the first, so that an
 * operator can fix the whole configuration in one go.
 */
final class SettingReader {

  private final Function<String, Optional<String>> lookup;
  private final List<ConfigProblem> problems = new ArrayList<>();

  SettingReader(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  /**
   * The typed value of a setting, from its configured text or else its default. Empty when the
   * setting has neither, or when its text was refused (which is then recorded as a problem).
   */
  <T> Optional<T> read(Setting setting, ValueRule<T> rule) {
    Optional<String> text = text(setting);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(rule.apply(text.get()));
    } catch (RejectedValueException e) {
      Optional<String> alias = fromAlias(setting);
      problems.add(alias.isPresent()
          ? ConfigProblem.invalidAliasValue(setting, alias.get(), text.get(), e.detail())
          : ConfigProblem.invalidValue(setting, text.get(), e.detail()));
      return Optional.empty();
    }
  }

  /**
   * Settings set both under their key and, differently, under their alias: the key wins, and the operator is
   * told, since one of the two does not mean what its author thought.
   */
  static List<String> aliasConflicts(Function<String, Optional<String>> lookup) {
    List<String> conflicts = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      setting.alias().ifPresent(alias -> {
        Optional<String> byKey = set(lookup, setting.key());
        Optional<String> byAlias = set(lookup, alias);
        if (byKey.isPresent() && byAlias.isPresent() && !byKey.equals(byAlias)) {
          conflicts.add(setting.key() + "=" + setting.shown(byKey.get()) + " and " + alias + "="
              + setting.shown(byAlias.get()) + " are both set: " + setting.key() + " wins; unset " + alias
              + " (or make them agree) to remove the doubt");
        }
      });
    }
    return conflicts;
  }

  /** Records a problem when {@code missing} has neither a value nor a default. */
  void require(Setting missing, Setting condition, String conditionValue) {
    if (text(missing).isEmpty()) {
      problems.add(ConfigProblem.missingRequired(missing, condition, conditionValue));
    }
  }

  /** Records a problem found by looking at several settings together. */
  void reject(ConfigProblem problem) {
    problems.add(problem);
  }

  /** Records a problem when {@code setting} is set although the condition makes it unused. */
  void rejectUnless(
      boolean conditionHolds,
      Setting setting,
      Setting condition,
      String requiredValue,
      String actualValue) {
    if (!conditionHolds && lookup.apply(setting.key()).filter(v -> !v.isBlank()).isPresent()) {
      problems.add(ConfigProblem.onlyUsedWhen(setting, condition, requiredValue, actualValue));
    }
  }

  List<ConfigProblem> problems() {
    return List.copyOf(problems);
  }

  /**
   * The key's text, else the alias's, else the default. Blank counts as unset: an empty Helm value or
   * environment variable means "use the default".
   */
  private Optional<String> text(Setting setting) {
    return set(lookup, setting.key())
        .or(() -> setting.alias().flatMap(alias -> set(lookup, alias)))
        .or(setting::defaultValue);
  }

  /** The alias, when the setting's text came from it. */
  private Optional<String> fromAlias(Setting setting) {
    return set(lookup, setting.key()).isPresent() ? Optional.empty()
        : setting.alias().filter(alias -> set(lookup, alias).isPresent());
  }

  private static Optional<String> set(Function<String, Optional<String>> lookup, String name) {
    return lookup.apply(name).map(String::strip).filter(value -> !value.isEmpty());
  }
}

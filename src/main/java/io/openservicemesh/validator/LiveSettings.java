package io.openservicemesh.validator;

import io.openservicemesh.config.ConfigProblem;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.config.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The settings an operator may change while the control plane runs, through the {@code osm-config} ConfigMap,
 * and the one validator both the admission webhook and the control plane's own reading use, so that a value
 * the webhook would refuse is never applied, even if it reached the cluster while the webhook was down.
 *
 * <p>The ConfigMap's keys are the settings' MicroProfile Config keys (e.g.
 * {@code OpenServiceMesh.serviceCertValidityDuration}), and each value is checked by exactly the rule that checks
 * it at install time.
 */
public final class LiveSettings {

  public static final String CONFIG_MAP = "osm-config";

  /**
   * What may change at run time: the settings that say so themselves ({@link Setting#live()}), which the next
   * issuance, renewal or injection reads; nothing the CA or the wiring depends on.
   */
  public static final Set<Setting> LIVE = Setting.liveSettings();

  private LiveSettings() {}

  /** Every problem with the ConfigMap's data, on top of the defaults (see the overload). */
  public static List<ConfigProblem> problems(Map<String, String> data) {
    return problems(data, key -> Optional.empty());
  }

  /**
   * Every problem with the ConfigMap's data: unknown keys, keys fixed at install, bad values, and values that
   * break a rule together with the install-time settings.
   *
   * @param installTime the configuration without the ConfigMap, which the accepted entries override
   */
  public static List<ConfigProblem> problems(
      Map<String, String> data, Function<String, Optional<String>> installTime) {
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, String> live = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : data.entrySet()) {
      Optional<Setting> setting = Setting.forKey(entry.getKey());
      if (setting.isEmpty()) {
        problems.add(new ConfigProblem(entry.getKey(), "unknown key " + entry.getKey() + " in ConfigMap "
            + CONFIG_MAP + "; the keys it accepts are " + liveKeys()));
      } else if (!LIVE.contains(setting.get())) {
        problems.add(new ConfigProblem(entry.getKey(), entry.getKey() + " cannot be changed while the control"
            + " plane runs; set it at install (--set " + entry.getKey() + "=...). The keys " + CONFIG_MAP
            + " accepts are " + liveKeys()));
      } else {
        live.put(entry.getKey(), entry.getValue());
      }
    }
    // Only problems an entry of the ConfigMap causes: the install-time settings were valid when the control
    // plane started, and a problem of theirs is not the ConfigMap's to fix.
    List<ConfigProblem> installed = MeshSettingsParser.parse(installTime).problems();
    MeshSettingsParser.parse(key -> live.containsKey(key) ? Optional.of(live.get(key)) : installTime.apply(key))
        .problems().stream().filter(problem -> !installed.contains(problem)).forEach(problems::add);
    return problems;
  }

  /** The entries that pass: what the control plane applies when the ConfigMap holds bad values too. */
  public static Map<String, String> accepted(Map<String, String> data) {
    return accepted(data, key -> Optional.empty());
  }

  /** The entries that pass against the install-time settings. */
  public static Map<String, String> accepted(
      Map<String, String> data, Function<String, Optional<String>> installTime) {
    Set<String> refused = problems(data, installTime).stream().map(ConfigProblem::key).collect(Collectors.toSet());
    Map<String, String> accepted = new LinkedHashMap<>();
    data.forEach((key, value) -> {
      if (!refused.contains(key)) {
        accepted.put(key, value);
      }
    });
    return accepted;
  }

  static String liveKeys() {
    return LIVE.stream().map(Setting::key).collect(Collectors.joining(", ", "[", "]"));
  }
}

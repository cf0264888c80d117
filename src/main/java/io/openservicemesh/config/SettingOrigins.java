package io.openservicemesh.config;

import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * Where a setting's value comes from, in MicroProfile Config's words: the name of the config source that won
 * (an environment variable, the {@code osm-config} ConfigMap, the checkout's {@code .env}, a system property), or
 * the default. Read now: a restart-only setting keeps its start-up value even when its source changed since.
 */
public final class SettingOrigins {

  /** No source sets the key nor its alias. */
  public static final String DEFAULT = "default";

  private final Config config;

  public SettingOrigins(Config config) {
    this.config = config;
  }

  public String of(Setting setting) {
    return source(setting.key())
        .or(() -> setting.alias().flatMap(alias -> source(alias).map(name -> name + " (as " + alias + ")")))
        .orElse(DEFAULT);
  }

  private Optional<String> source(String key) {
    ConfigValue value = config.getConfigValue(key);
    return value == null || value.getRawValue() == null ? Optional.empty() : Optional.ofNullable(value.getSourceName());
  }
}

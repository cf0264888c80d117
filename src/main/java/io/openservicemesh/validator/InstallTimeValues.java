package io.openservicemesh.validator;

import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The configuration as installed: every MicroProfile Config source but {@link LiveConfigSource}, highest ordinal
 * first. An {@code osm-config} entry is checked on top of these, so that a rule spanning several settings (a
 * validity under 10m needs {@code allowShortCertValidity=true}; the renewal window needs two rotation passes)
 * judges it against the values the control plane actually runs with, not against the defaults.
 */
final class InstallTimeValues {

  private InstallTimeValues() {}

  static Optional<String> lookup(String key) {
    ConfigSource best = null;
    String value = null;
    for (ConfigSource source : ConfigProvider.getConfig().getConfigSources()) {
      if (source instanceof LiveConfigSource) {
        continue;
      }
      String candidate = source.getValue(key);
      if (candidate != null && (best == null || source.getOrdinal() > best.getOrdinal())) {
        best = source;
        value = candidate;
      }
    }
    return Optional.ofNullable(value);
  }
}

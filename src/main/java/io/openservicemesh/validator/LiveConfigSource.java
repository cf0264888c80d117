package io.openservicemesh.validator;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The accepted entries of the {@code osm-config} ConfigMap as a MicroProfile Config source, ranked above the
 * install-time values (environment 300, system properties 400), so a live change wins over {@code --set}.
 * Registered through {@code META-INF/services}; the MicroProfile Config runtime creates it, and
 * {@link LiveConfigWatcher} feeds it. Until the ConfigMap has been read it holds nothing.
 */
public class LiveConfigSource implements ConfigSource {

  public static final int ORDINAL = 500;

  private static volatile Map<String, String> values = Map.of();

  static void replace(Map<String, String> accepted) {
    values = Map.copyOf(accepted);
  }

  static Map<String, String> current() {
    return values;
  }

  @Override
  public Set<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return values.get(propertyName);
  }

  @Override
  public String getName() {
    return "ConfigMap " + LiveSettings.CONFIG_MAP;
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}

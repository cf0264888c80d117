package io.openservicemesh.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The {@code .env} file of a development checkout, as the mission's document uses it ("export
 * CERT_MANAGER=tresor in the .env file of this repo"). Only {@code mvn liberty:run} names one, through the
 * system property {@link #FILE_PROPERTY}; a deployed control plane has none and this source is empty.
 * Its ordinal is below the environment's (300): a variable exported in the shell wins over the file. Keys are
 * matched as MicroProfile Config matches environment variables, so {@code OpenServiceMesh_vault_host=...}
 * sets {@code OpenServiceMesh.vault.host}. Read once at start-up: restart after editing the file.
 */
public class DotEnvConfigSource implements ConfigSource {

  /** Where {@code mvn liberty:run} says the checkout's {@code .env} is. */
  public static final String FILE_PROPERTY = "osm.dotenv.file";

  static final int ORDINAL = 250;

  private static final Logger LOG = Logger.getLogger(DotEnvConfigSource.class.getName());

  private final Map<String, String> values;
  private final String name;

  public DotEnvConfigSource() {
    this(Optional.ofNullable(System.getProperty(FILE_PROPERTY)).filter(v -> !v.isBlank()).map(Path::of));
  }

  DotEnvConfigSource(Optional<Path> file) {
    this.name = "dotenv:" + file.map(Path::toString).orElse("(none)");
    this.values = file.map(DotEnvConfigSource::read).orElse(Map.of());
  }

  private static Map<String, String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of(); // no .env in the checkout: nothing to read, nothing to say
    }
    try {
      DotEnvFile parsed = DotEnvFile.parse(Files.readString(file, StandardCharsets.UTF_8));
      parsed.problems().forEach(problem -> LOG.warning(file + ": " + problem));
      LOG.info(() -> "read " + parsed.values().size() + " setting(s) from " + file + ": "
          + String.join(", ", parsed.values().keySet()));
      return parsed.values();
    } catch (IOException e) {
      LOG.warning(() -> "cannot read " + file + " (" + e.getMessage() + "); its settings are not applied");
      return Map.of();
    }
  }

  @Override
  public Set<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    String exact = values.get(propertyName);
    if (exact != null) {
      return exact;
    }
    String sanitized = propertyName.replaceAll("[^A-Za-z0-9_]", "_");
    String value = values.get(sanitized);
    return value != null ? value : values.get(sanitized.toUpperCase(java.util.Locale.ROOT));
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}

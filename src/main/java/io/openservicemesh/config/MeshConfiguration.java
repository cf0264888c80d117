package io.openservicemesh.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The mesh settings read from MicroProfile Config, parsed once on first use and kept, so that
 * every component sees the same values and each problem is logged once rather than per caller.
 */
@ApplicationScoped
public class MeshConfiguration {

  private static final Logger LOG = Logger.getLogger(MeshConfiguration.class.getName());

  private final Function<String, Optional<String>> lookup;
  private ParseResult current;
  private ParseResult lastRefreshed;
  /** The raw value of every name the first parse read: where restart-only settings stay (see {@link InForceRule}). */
  private final Map<String, Optional<String>> startupValues = new HashMap<>();
  /** The last {@link #follow()} answer and the refreshed configuration it was derived from. */
  private ParseResult followedFrom;
  private Followed followed;
  private List<String> lastAliasConflicts = List.of();

  public MeshConfiguration() {
    this(MeshConfiguration::fromMicroProfileConfig);
  }

  /** Read through {@code lookup} rather than MicroProfile Config (tests have no implementation of it). */
  public MeshConfiguration(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  /** The settings, or every problem with them; parsed on the first call, which fixes the start-up values. */
  public synchronized ParseResult current() {
    if (current == null) {
      warnOfAliasConflicts();
      current = MeshSettingsParser.parse(key -> startupValues.computeIfAbsent(key, lookup));
      log(current);
    }
    return current;
  }

  /**
   * What a running control plane works with after {@link #refresh()}: live settings as now configured, the
   * others as at start-up, and the restart-only settings that changed meanwhile.
   *
   * @param inForce invalid when the configuration now is (the settings in force then stay as they were)
   */
  public record Followed(ParseResult inForce, List<String> waitingForRestart) {}

  /** Re-reads the configuration (see {@link #refresh()}) and applies {@link InForceRule} to it. */
  public synchronized Followed follow() {
    ParseResult startup = current();
    ParseResult fresh = refresh();
    if (fresh == followedFrom) {
      return followed; // refresh() hands back the same result while nothing changed: every pass, usually
    }
    Function<String, Optional<String>> atStartup = key -> startupValues.computeIfAbsent(key, lookup);
    followed = !fresh.isValid() || !startup.isValid() ? new Followed(fresh, List.of())
        : new Followed(MeshSettingsParser.parse(InForceRule.inForce(atStartup, lookup)),
            InForceRule.waitingForRestart(atStartup, lookup));
    followedFrom = fresh;
    return followed;
  }

  /** Parses the configuration again, e.g. after it changed, and returns the new result. */
  public synchronized ParseResult reload() {
    current = parseAndLog();
    return current;
  }

  /**
   * Parses the configuration again for a component that follows changes at run time (the rotation
   * pass, every few seconds) and returns the result, valid or not. Logs only when the result
   * differs from the last one, so an unchanged configuration stays quiet and a bad edit is reported
   * once. A valid result also becomes {@link #current()}; an invalid one does not replace valid
   * settings.
   */
  public synchronized ParseResult refresh() {
    ParseResult previous = lastRefreshed != null ? lastRefreshed : current;
    warnOfAliasConflicts();
    ParseResult fresh = MeshSettingsParser.parse(lookup);
    if (fresh.equals(previous)) {
      return previous;
    }
    if (previous != null) {
      LOG.info("the mesh configuration changed");
    }
    log(fresh);
    lastRefreshed = fresh;
    if (fresh.isValid() || current == null) {
      current = fresh;
    }
    return fresh;
  }

  private ParseResult parseAndLog() {
    warnOfAliasConflicts();
    ParseResult result = MeshSettingsParser.parse(lookup);
    log(result);
    return result;
  }

  /** Warns of settings set differently under their key and their alias, once per change of them. */
  private void warnOfAliasConflicts() {
    List<String> conflicts = SettingReader.aliasConflicts(lookup);
    if (!conflicts.equals(lastAliasConflicts)) {
      conflicts.forEach(LOG::warning);
      lastAliasConflicts = conflicts;
    }
  }

  private static void log(ParseResult result) {
    for (ConfigProblem problem : result.problems()) {
      LOG.log(Level.SEVERE, problem.message());
    }
    result.settings().ifPresent(settings -> LOG.info(EffectiveSettings.describe(settings)));
  }

  private static Optional<String> fromMicroProfileConfig(String key) {
    return ConfigProvider.getConfig().getOptionalValue(key, String.class);
  }
}

package io.openservicemesh.validator;

import io.openservicemesh.config.ConfigProblem;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Applies what the {@code osm-config} ConfigMap says: only the entries {@link LiveSettings} accepts (a bad value
 * that reached the cluster while the webhook was down is ignored with a warning), every change logged with its
 * old and new value, then the configuration re-read so the control plane uses it.
 */
public final class LiveConfigApplier {

  private static final Logger LOG = Logger.getLogger(LiveConfigApplier.class.getName());

  private final Runnable reload;
  private final Function<String, Optional<String>> installTime;

  /** Entries checked on top of the defaults. */
  public LiveConfigApplier(Runnable reload) {
    this(reload, key -> Optional.empty());
  }

  /**
   * @param reload re-reads the configuration (through {@link LiveConfigSource}) and hands it to the control plane
   * @param installTime the configuration without the ConfigMap, against which its entries are checked
   */
  public LiveConfigApplier(Runnable reload, Function<String, Optional<String>> installTime) {
    this.reload = reload;
    this.installTime = installTime;
  }

  /**
   * @param data the ConfigMap's data; empty when it was deleted
   * @return whether anything changed
   */
  public synchronized boolean apply(Map<String, String> data) {
    for (ConfigProblem problem : LiveSettings.problems(data, installTime)) {
      LOG.warning("ignoring an entry of ConfigMap " + LiveSettings.CONFIG_MAP + ": " + problem.message());
    }
    Map<String, String> accepted = LiveSettings.accepted(data, installTime);
    Map<String, String> previous = LiveConfigSource.current();
    if (accepted.equals(previous)) {
      return false;
    }
    Set<String> keys = new LinkedHashSet<>(previous.keySet());
    keys.addAll(accepted.keySet());
    for (String key : keys) {
      String was = previous.get(key);
      String now = accepted.get(key);
      if (was == null ? now != null : !was.equals(now)) {
        LOG.info(() -> "live setting " + key + " changed from " + shown(was) + " to " + shown(now));
      }
    }
    LiveConfigSource.replace(accepted);
    reload.run();
    return true;
  }

  private static String shown(String value) {
    return value == null ? "(the install-time value)" : "\"" + value + "\"";
  }
}

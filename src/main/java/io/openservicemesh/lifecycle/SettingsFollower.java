package io.openservicemesh.lifecycle;

import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.MeshConfiguration;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.ParseResult;
import io.openservicemesh.config.SettingsInForce;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one way a running control plane follows its configuration. Whatever changed it (a live edit of the
 * {@code osm-config} ConfigMap, which its MicroProfile Config source makes visible at once, or any other
 * source) reaches the control plane here: the configuration is re-read, the settings in force are derived
 * from it by {@link io.openservicemesh.config.InForceRule} (live settings as now, the others as they started),
 * and the certificate shapes and renewal policy follow. Called on every rotation pass and at once when the live
 * ConfigMap changes.
 */
@ApplicationScoped
public class SettingsFollower implements SettingsInForce {

  private static final Logger LOG = Logger.getLogger(SettingsFollower.class.getName());

  @Inject MeshConfiguration configuration;
  @Inject RunningControlPlane running;

  private MeshSettings startup;
  private volatile MeshSettings inForce;
  private List<String> lastWaiting = List.of();

  /** The control plane started with these settings. */
  synchronized void started(MeshSettings settings) {
    startup = settings;
    inForce = settings;
  }

  @Override
  public Optional<MeshSettings> current() {
    return Optional.ofNullable(inForce);
  }

  /** Re-reads the configuration and applies what changed; nothing before the control plane is ready. */
  @Override
  public void follow() {
    if (inForce == null) {
      return;
    }
    follow(configuration.follow());
  }

  /** @param followed the configuration as just read; an invalid one leaves the settings in force unchanged */
  synchronized void follow(MeshConfiguration.Followed followed) {
    Optional<CertificateStack> stack = running.stack();
    if (stack.isEmpty() || startup == null) {
      return;
    }
    reportWaiting(followed.waitingForRestart());
    ParseResult result = followed.inForce();
    if (!result.isValid()) {
      return; // the configuration logged its problems once; the settings in force stay
    }
    MeshSettings next = result.orElseThrow();
    if (next.equals(inForce)) {
      return;
    }
    inForce = next;
    stack.get().follow(startup, next);
    LOG.info(() -> "renewals from now on issue service certificates for "
        + GoDuration.format(next.serviceCertValidity()) + " and internal ones for "
        + GoDuration.format(next.internalCertValidity()) + " with " + next.certKey() + " keys, "
        + stack.get().timing().policy());
  }

  /** Once per change of the list, not on every pass. */
  private void reportWaiting(List<String> waiting) {
    if (!waiting.equals(lastWaiting) && !waiting.isEmpty()) {
      LOG.warning("changed settings " + waiting + " take effect only after a restart");
    }
    lastWaiting = waiting;
  }
}

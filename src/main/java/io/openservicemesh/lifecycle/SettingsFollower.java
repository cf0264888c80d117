package io.openservicemesh.lifecycle;

import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.MeshConfiguration;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.ParseResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one way a running control plane follows its configuration. Whatever changed it (a live edit of the
 * {@code osm-config} ConfigMap, which its MicroProfile Config source makes visible at once, or any other
 * source) reaches the control plane here: the configuration is re-read ({@link MeshConfiguration#refresh()},
 * which keeps the last valid settings), the settings a running control plane cannot follow stay as they
 * started (see {@link RestartOnlySettings}), and the rest (certificate shapes, renewal policy, injection) are
 * handed to the control plane. Called on every rotation pass and at once when the live ConfigMap changes.
 */
@ApplicationScoped
public class SettingsFollower {

  private static final Logger LOG = Logger.getLogger(SettingsFollower.class.getName());

  @Inject MeshConfiguration configuration;
  @Inject ControlPlane controlPlane;

  private MeshSettings startup;
  private MeshSettings followed;

  /** Re-reads the configuration and applies what changed; nothing before the control plane is ready. */
  public void follow() {
    if (controlPlane.rotation().isEmpty()) {
      return;
    }
    follow(configuration.refresh());
  }

  /** @param fresh the configuration as just read; an invalid one leaves the settings in force unchanged */
  synchronized void follow(ParseResult fresh) {
    Optional<Rotation> rotation = controlPlane.rotation();
    Optional<ControlPlane.Certificates> certificates = controlPlane.certificates();
    if (rotation.isEmpty() || certificates.isEmpty()) {
      return;
    }
    if (startup == null) {
      // Only this class changes the settings the control plane holds, so the first ones seen are start-up's.
      startup = certificates.get().settings();
      followed = startup;
    }
    if (!fresh.isValid()) {
      return; // refresh() logged the problems once; the settings in force stay
    }
    MeshSettings current = fresh.orElseThrow();
    if (current.equals(followed)) {
      return;
    }
    List<String> needRestart = RestartOnlySettings.changed(followed, current);
    followed = current;
    MeshSettings inForce = RestartOnlySettings.inForce(startup, current);
    controlPlane.settingsChanged(inForce, CertificateStack.specsOf(startup, inForce));
    rotation.get().timing().setPolicy(CertificateStack.policyOf(inForce));
    LOG.info(() -> "renewals from now on issue service certificates for "
        + GoDuration.format(inForce.serviceCertValidity()) + " and internal ones for "
        + GoDuration.format(inForce.internalCertValidity()) + " with " + inForce.certKey() + " keys, "
        + rotation.get().timing().policy());
    if (!needRestart.isEmpty()) {
      LOG.warning("changed settings " + needRestart + " take effect only after a restart");
    }
  }
}

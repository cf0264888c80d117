package io.openservicemesh.config;

import java.util.Optional;

/**
 * The settings a running control plane works with: those that may change live (see {@link Setting#live()}) as
 * last changed, the others as it started.
 */
public interface SettingsInForce {

  /** Empty until the control plane has started its certificate authority. */
  Optional<MeshSettings> current();

  /** Re-reads the configuration now (a live source just changed) and applies what changed. */
  void follow();
}

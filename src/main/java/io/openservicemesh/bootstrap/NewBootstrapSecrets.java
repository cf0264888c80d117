package io.openservicemesh.bootstrap;

import java.util.Map;
import java.util.UUID;

/** The injector's one write: a new proxy's bootstrap Secret, which the control plane then looks after. */
@FunctionalInterface
public interface NewBootstrapSecrets {

  /**
   * Creates {@code envoy-bootstrap-config-<proxy>} in {@code namespace}; never overwrites one.
   *
   * @throws BootstrapSecretException with {@link BootstrapSecretException#conflict()} when the Secret exists
   */
  void create(String namespace, UUID proxy, Map<String, byte[]> files) throws BootstrapSecretException;
}

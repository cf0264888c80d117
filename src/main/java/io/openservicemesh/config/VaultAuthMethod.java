package io.openservicemesh.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the control plane proves its identity to Vault. */
public enum VaultAuthMethod {
  /** A token given in configuration (the mission's way), renewed while Vault allows it. */
  TOKEN("token"),
  /**
   * A login with the pod's service account token at Vault's Kubernetes auth method; repeated
   * whenever the token Vault hands out can no longer be renewed, so no long-lived secret is
   * configured at all.
   */
  KUBERNETES("kubernetes");

  private final String configName;

  VaultAuthMethod(String configName) {
    this.configName = configName;
  }

  /** The spelling used in configuration, e.g. {@code kubernetes}. */
  public String configName() {
    return configName;
  }

  public static Optional<VaultAuthMethod> fromConfigName(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.configName.equals(wanted)).findFirst();
  }
}

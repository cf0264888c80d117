package io.openservicemesh.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The key algorithms the mesh issues keys for. ECDSA P-256 is the default: a P-256 leaf costs well under a
 * millisecond to make, an RSA-2048 one 70-300 ms of key generation (OSM's injector timed out on RSA-4096).
 */
public enum KeyAlgorithm {
  ECDSA_P256("ecdsa-p256"),
  ECDSA_P384("ecdsa-p384"),
  RSA("rsa");

  private final String configName;

  KeyAlgorithm(String configName) {
    this.configName = configName;
  }

  /** The spelling used in configuration, e.g. {@code ecdsa-p256}. */
  public String configName() {
    return configName;
  }

  public static Optional<KeyAlgorithm> fromConfigName(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(a -> a.configName.equals(wanted)).findFirst();
  }
}

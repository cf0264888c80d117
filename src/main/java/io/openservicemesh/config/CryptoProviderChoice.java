package io.openservicemesh.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Which JCA provider makes key pairs and signatures. Certificates and PEM are built by BouncyCastle whatever
 * is chosen; only the arithmetic moves.
 */
public enum CryptoProviderChoice {
  /** Amazon Corretto Crypto Provider where its native library loads, BouncyCastle where it does not. */
  AUTO("auto"),
  /** Amazon Corretto Crypto Provider (native, over AWS-LC) or no start: a platform it cannot load on is an error. */
  ACCP("accp"),
  /** BouncyCastle's Java implementation everywhere, never native code. */
  BOUNCYCASTLE("bouncycastle");

  private final String configName;

  CryptoProviderChoice(String configName) {
    this.configName = configName;
  }

  /** The spelling used in configuration, e.g. {@code bouncycastle}. */
  public String configName() {
    return configName;
  }

  public static Optional<CryptoProviderChoice> fromConfigName(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(c -> c.configName.equals(wanted)).findFirst();
  }
}

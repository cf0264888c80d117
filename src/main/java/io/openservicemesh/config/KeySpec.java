package io.openservicemesh.config;

import java.util.Set;

/** A key algorithm and, for RSA, its modulus size. */
public record KeySpec(KeyAlgorithm algorithm, int rsaBits) {

  public static final Set<Integer> RSA_SIZES = Set.of(2048, 3072, 4096);
  public static final KeySpec ECDSA_P256 = new KeySpec(KeyAlgorithm.ECDSA_P256, 0);

  public KeySpec {
    if (algorithm == KeyAlgorithm.RSA && !RSA_SIZES.contains(rsaBits)) {
      throw new IllegalArgumentException("RSA key size must be one of 2048, 3072, 4096, got " + rsaBits);
    }
    if (algorithm != KeyAlgorithm.RSA) {
      rsaBits = 0;
    }
  }

  public static KeySpec rsa(int bits) {
    return new KeySpec(KeyAlgorithm.RSA, bits);
  }

  @Override
  public String toString() {
    return algorithm == KeyAlgorithm.RSA ? "rsa-" + rsaBits : algorithm.configName();
  }
}

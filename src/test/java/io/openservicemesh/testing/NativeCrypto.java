package io.openservicemesh.testing;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Where the native crypto provider can be tested: Amazon Corretto Crypto Provider ships for Linux x86_64 and
 * aarch64 only. On those platforms a test that needs it runs (and fails if it does not load); elsewhere it is
 * skipped with this reason, and the BouncyCastle cases still run.
 */
public final class NativeCrypto {

  private NativeCrypto() {}

  public static void assumeShippedForThisPlatform() {
    String arch = System.getProperty("os.arch");
    assumeThat(System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64")))
        .as("Amazon Corretto Crypto Provider ships for Linux x86_64 and aarch64 only").isTrue();
  }
}

package io.openservicemesh.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;

/**
 * Amazon Corretto Crypto Provider (ACCP), a JCA provider over AWS-LC. Its jar carries a native library for one
 * platform (Linux x86_64 or aarch64), which ACCP unpacks into a private directory under
 * {@value #LIBRARY_DIRECTORY_PROPERTY} (default {@code java.io.tmpdir}), loads, and deletes again; that directory
 * must be writable and allow executing, which a read-only root file system does not give unless a volume is
 * mounted there (the image points the property at one, see the Containerfile).
 */
public final class CorrettoProviderLoader implements NativeProviderLoader {

  /** ACCP's own system property for where its native library is unpacked. */
  public static final String LIBRARY_DIRECTORY_PROPERTY = "com.amazon.corretto.crypto.provider.tmpdir";

  @Override
  public Provider load() throws NativeProviderUnavailableException {
    try {
      AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
      Throwable loadingError = accp.getLoadingError();
      if (loadingError != null) {
        throw unavailable(loadingError);
      }
      // Runs ACCP's self-tests of the algorithms; a provider that fails one is not used.
      accp.assertHealthy();
      return accp;
    } catch (LinkageError | RuntimeException e) {
      // A jar without the provider's classes, or a library built for another platform.
      throw unavailable(e);
    }
  }

  private static NativeProviderUnavailableException unavailable(Throwable cause) {
    return new NativeProviderUnavailableException("Amazon Corretto Crypto Provider does not load on "
        + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": " + cause
        + " (it ships for Linux x86_64 and aarch64, and unpacks its native library into " + libraryDirectory()
        + ", from -D" + LIBRARY_DIRECTORY_PROPERTY + " or java.io.tmpdir, which must be writable and allow"
        + " executing)", cause);
  }

  private static String libraryDirectory() {
    return System.getProperty(LIBRARY_DIRECTORY_PROPERTY, System.getProperty("java.io.tmpdir"));
  }
}

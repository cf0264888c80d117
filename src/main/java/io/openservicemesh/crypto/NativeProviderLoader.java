package io.openservicemesh.crypto;

import java.security.Provider;

/** Loads a native-backed JCA provider, or says why it cannot on this platform. */
@FunctionalInterface
public interface NativeProviderLoader {

  /**
   * @return the provider, healthy (its native library loaded and its self-tests passed)
   * @throws NativeProviderUnavailableException naming what failed: the platform, the library, a self-test
   */
  Provider load() throws NativeProviderUnavailableException;
}

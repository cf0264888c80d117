package io.openservicemesh.injector;

import java.util.Map;

/** Where a proxy's bootstrap Secret is written: the Kubernetes API, or a map in tests. */
public interface BootstrapSecretStore {

  /**
   * Creates Secret {@code name} in {@code namespace}; never overwrites one.
   *
   * @throws InjectionException with {@link InjectionException#conflict()} when the Secret exists
   */
  void create(String namespace, String name, Map<String, String> labels, Map<String, byte[]> data)
      throws InjectionException;
}

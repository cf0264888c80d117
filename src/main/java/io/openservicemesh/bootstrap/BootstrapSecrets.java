package io.openservicemesh.bootstrap;

import io.openservicemesh.identity.ProxyIdentity;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where proxies' bootstrap Secrets live: the Kubernetes API, or a map in tests. Every call names one Secret:
 * the control plane reads, rewrites and deletes the Secrets it made by name and never lists Secrets, so it needs
 * no grant to list the Secrets of every namespace.
 */
public interface BootstrapSecrets {

  String NAME_PREFIX = "envoy-bootstrap-config-";
  String NAME_LABEL = "app.kubernetes.io/name";
  String NAME_LABEL_VALUE = "openservicemesh.io";

  /** {@code envoy-bootstrap-config-<uuid>}: the pod's volume names it, so it cannot change after injection. */
  static String nameOf(UUID proxy) {
    return NAME_PREFIX + proxy;
  }

  /** The labels that find a proxy's Secret: its UUID, as on its pod, and the mesh's name label. */
  static Map<String, String> labelsOf(UUID proxy) {
    return Map.of(ProxyIdentity.POD_LABEL, proxy.toString(), NAME_LABEL, NAME_LABEL_VALUE);
  }

  /**
   * Creates the Secret; never overwrites one.
   *
   * @throws BootstrapSecretException with {@link BootstrapSecretException#conflict()} when it exists
   */
  StoredBootstrapSecret create(String namespace, UUID proxy, Map<String, byte[]> files)
      throws BootstrapSecretException;

  /** The Secret as stored now, if it exists. */
  Optional<StoredBootstrapSecret> read(String namespace, String name) throws BootstrapSecretException;

  /**
   * Replaces the Secret's files and sets its owner, only if it is still the version that was read.
   *
   * @throws BootstrapSecretException with {@link BootstrapSecretException#conflict()} when it changed or is gone
   *     since; the stored Secret is then untouched
   */
  StoredBootstrapSecret rewrite(StoredBootstrapSecret current, Map<String, byte[]> files, PodOwner owner)
      throws BootstrapSecretException;

  /** Deletes the Secret if it is still the one with this uid; a Secret already gone is not an error. */
  void delete(String namespace, String name, String uid) throws BootstrapSecretException;
}

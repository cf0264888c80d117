package io.openservicemesh.bootstrap;

import java.util.List;

/** The meshed pods of every namespace: those with the {@code osm-proxy-uuid} label. */
@FunctionalInterface
public interface MeshPods {

  /** @throws BootstrapSecretException when the pods cannot be listed; the message says why */
  List<MeshPod> list() throws BootstrapSecretException;
}

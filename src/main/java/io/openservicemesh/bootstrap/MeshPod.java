package io.openservicemesh.bootstrap;

import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import java.util.UUID;

/**
 * A pod the injector meshed, as listed: it carries the {@code osm-proxy-uuid} label.
 *
 * @param finished deleted (a deletionTimestamp) or run to completion (phase Succeeded or Failed): its proxy
 *     needs no renewed credential
 */
public record MeshPod(String namespace, String name, String uid, UUID proxyUuid, String serviceAccount,
    boolean finished) {

  /** {@code namespace/uuid}: how the proxy, its Secret and its pod find each other. */
  public String key() {
    return key(namespace, proxyUuid);
  }

  public static String key(String namespace, UUID proxyUuid) {
    return namespace + "/" + proxyUuid;
  }

  public ProxyIdentity proxy() {
    return new ProxyIdentity(proxyUuid, new ServiceIdentity(serviceAccount, namespace));
  }

  public PodOwner owner() {
    return new PodOwner(name, uid);
  }

  public String secretName() {
    return BootstrapSecrets.nameOf(proxyUuid);
  }
}

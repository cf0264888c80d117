package io.openservicemesh.identity;

import java.util.UUID;

/**
 * One Envoy proxy (one pod): a UUID given at injection plus the pod's service identity. Its xDS bootstrap
 * certificate has the common name {@code <uuid>.<sa>.<ns>} and the SPIFFE URI
 * {@code spiffe://<trust-domain>/ns/<ns>/sa/<sa>/proxy/<uuid>}, from which the control plane reads who is
 * connecting.
 */
public record ProxyIdentity(UUID uuid, ServiceIdentity service) {

  /** The label the injector gives the proxy's pod, with the UUID as its value: how a proxy's pod is found. */
  public static final String POD_LABEL = "osm-proxy-uuid";

  public ProxyIdentity {
    if (uuid == null || service == null) {
      throw new IllegalArgumentException("a proxy identity needs a uuid and a service identity");
    }
  }

  public String commonName() {
    return uuid + "." + service.serviceAccount() + "." + service.namespace();
  }

  public String spiffeId(String trustDomain) {
    return service.spiffeId(trustDomain) + "/proxy/" + uuid;
  }
}

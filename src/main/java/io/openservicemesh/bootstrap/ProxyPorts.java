package io.openservicemesh.bootstrap;

/**
 * The ports and user of the injected Envoy, shared by the bootstrap, the sidecar container and the traffic
 * redirection rules, which must agree (the values OSM's sidecars used).
 */
public final class ProxyPorts {

  /** Envoy's admin interface, on loopback only: it can change the proxy's configuration. */
  public static final int ADMIN = 15000;
  /** Where outbound traffic is redirected: the outbound listener of the bootstrap. */
  public static final int OUTBOUND = 15001;
  /** Where inbound traffic is redirected: the inbound (mesh mTLS) listener of the bootstrap. */
  public static final int INBOUND = 15003;
  /** Serves only Envoy's Prometheus statistics, proxied from the admin interface. */
  public static final int PROMETHEUS = 15010;
  public static final String PROMETHEUS_PATH = "/stats/prometheus";
  /** Envoy runs as this user; the redirection rules let its own traffic out unredirected. */
  public static final long PROXY_UID = 1500;

  private ProxyPorts() {}
}

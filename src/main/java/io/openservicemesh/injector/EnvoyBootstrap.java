package io.openservicemesh.injector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The Envoy v3 bootstrap of one injected proxy, as YAML. It gives Envoy:
 * <ul>
 *   <li>its node id, which must be exactly the common name of its xDS bootstrap certificate
 *       ({@code <uuid>.<sa>.<ns>}): the control plane binds the xDS stream to the identity of the verified
 *       client certificate and refuses a stream whose node claims another;</li>
 *   <li>a static cluster {@code osm-controller} for the control plane, HTTP/2 (gRPC), with mutual TLS: the
 *       bootstrap certificate and key as the client certificate, the mesh roots as the only trust anchors, and
 *       the control plane's Service name as the required SAN, so a pod talks to no other server;</li>
 *   <li>the control plane as its ADS server for listeners and clusters; those reference their certificates
 *       with {@link #sdsConfigSource()}, Secret Discovery over a gRPC stream to the same cluster;</li>
 *   <li>the admin interface on loopback only (it can reconfigure the proxy), and a listener on the Prometheus
 *       port that exposes only the statistics page of the admin interface.</li>
 * </ul>
 * Certificates and keys are inline rather than files: the bootstrap is one file in one Secret, mounted read-only,
 * with nothing to keep in step.
 */
public final class EnvoyBootstrap {

  static final String CONTROL_PLANE_CLUSTER = "osm-controller";
  static final String ADMIN_CLUSTER = "envoy-admin";
  static final String PROMETHEUS_LISTENER = "prometheus";

  /**
   * @param nodeId the bootstrap certificate's common name
   * @param nodeCluster {@code <sa>.<ns>}, the proxy's service identity
   * @param controlPlaneHost the DNS name Envoy dials and requires in the control plane's certificate
   * @param certificateChainPem the bootstrap certificate, leaf first
   * @param privateKeyPem its key
   * @param trustedCasPem the mesh roots
   */
  public record Parameters(
      String nodeId,
      String nodeCluster,
      String controlPlaneHost,
      int controlPlanePort,
      String certificateChainPem,
      String privateKeyPem,
      String trustedCasPem) {

    /** Written by hand so the private key never reaches a log. */
    @Override
    public String toString() {
      return "EnvoyBootstrap.Parameters[nodeId=" + nodeId + ", controlPlane=" + controlPlaneHost + ":"
          + controlPlanePort + ", privateKey=<redacted>]";
    }
  }

  private EnvoyBootstrap() {}

  public static String yaml(Parameters p) {
    return yaml().dump(tree(p));
  }

  /** The bootstrap as nested maps and lists, in the field names of Envoy's v3 API. */
  static Map<String, Object> tree(Parameters p) {
    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("node", map("id", p.nodeId(), "cluster", p.nodeCluster()));
    bootstrap.put("admin", map("address", socketAddress("127.0.0.1", ProxyPorts.ADMIN)));
    bootstrap.put("dynamic_resources", map(
        "ads_config", map(
            "api_type", "GRPC",
            "transport_api_version", "V3",
            "grpc_services", List.of(map("envoy_grpc", map("cluster_name", CONTROL_PLANE_CLUSTER)))),
        "cds_config", map("ads", map(), "resource_api_version", "V3"),
        "lds_config", map("ads", map(), "resource_api_version", "V3")));
    bootstrap.put("static_resources", map(
        "listeners", List.of(prometheusListener()),
        "clusters", List.of(controlPlaneCluster(p), adminCluster())));
    return bootstrap;
  }

  /**
   * How listeners and clusters delivered over ADS name the source of their certificates: a gRPC stream of
   * Envoy's Secret Discovery Service to the control plane cluster of this bootstrap.
   */
  public static Map<String, Object> sdsConfigSource() {
    return map(
        "api_config_source", map(
            "api_type", "GRPC",
            "transport_api_version", "V3",
            "grpc_services", List.of(map("envoy_grpc", map("cluster_name", CONTROL_PLANE_CLUSTER)))),
        "resource_api_version", "V3");
  }

  private static Map<String, Object> controlPlaneCluster(Parameters p) {
    Map<String, Object> tls = map(
        "common_tls_context", map(
            "tls_params", map("tls_minimum_protocol_version", "TLSv1_2"),
            "tls_certificates", List.of(map(
                "certificate_chain", map("inline_string", p.certificateChainPem()),
                "private_key", map("inline_string", p.privateKeyPem()))),
            "validation_context", map(
                "trusted_ca", map("inline_string", p.trustedCasPem()),
                "match_typed_subject_alt_names", List.of(map(
                    "san_type", "DNS",
                    "matcher", map("exact", p.controlPlaneHost())))),
            "alpn_protocols", List.of("h2")),
        "sni", p.controlPlaneHost());
    tls.put("@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
    return map(
        "name", CONTROL_PLANE_CLUSTER,
        "type", "LOGICAL_DNS",
        "connect_timeout", "1s",
        "dns_lookup_family", "V4_PREFERRED",
        "typed_extension_protocol_options", map(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", map(
                "@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config", map("http2_protocol_options", map()))),
        "transport_socket", map("name", "envoy.transport_sockets.tls", "typed_config", tls),
        "load_assignment", loadAssignment(CONTROL_PLANE_CLUSTER, p.controlPlaneHost(), p.controlPlanePort()));
  }

  private static Map<String, Object> adminCluster() {
    return map(
        "name", ADMIN_CLUSTER,
        "type", "STATIC",
        "connect_timeout", "1s",
        "load_assignment", loadAssignment(ADMIN_CLUSTER, "127.0.0.1", ProxyPorts.ADMIN));
  }

  /** Only the exact statistics path is routed: the rest of the admin interface stays on loopback. */
  private static Map<String, Object> prometheusListener() {
    Map<String, Object> router = map(
        "name", "envoy.filters.http.router",
        "typed_config", map("@type", "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"));
    Map<String, Object> connectionManager = map(
        "@type", "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
            + ".HttpConnectionManager",
        "stat_prefix", PROMETHEUS_LISTENER,
        "codec_type", "AUTO",
        "route_config", map(
            "name", PROMETHEUS_LISTENER,
            "virtual_hosts", List.of(map(
                "name", PROMETHEUS_LISTENER,
                "domains", List.of("*"),
                "routes", List.of(map(
                    "match", map("path", ProxyPorts.PROMETHEUS_PATH),
                    "route", map("cluster", ADMIN_CLUSTER)))))),
        "http_filters", List.of(router));
    return map(
        "name", PROMETHEUS_LISTENER,
        "address", socketAddress("0.0.0.0", ProxyPorts.PROMETHEUS),
        "filter_chains", List.of(map("filters", List.of(map(
            "name", "envoy.filters.network.http_connection_manager",
            "typed_config", connectionManager)))));
  }

  private static Map<String, Object> loadAssignment(String cluster, String host, int port) {
    return map(
        "cluster_name", cluster,
        "endpoints", List.of(map("lb_endpoints", List.of(map("endpoint", map("address", socketAddress(host, port)))))));
  }

  private static Map<String, Object> socketAddress(String address, int port) {
    return map("socket_address", map("address", address, "port_value", port));
  }

  /** An insertion-ordered map from alternating keys and values, so the YAML reads in a sensible order. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Block style; PEM blocks as literal scalars so the Secret stays readable. */
  private static Yaml yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setWidth(Integer.MAX_VALUE);
    return new Yaml(new MultilineLiteralRepresenter(options), options);
  }

  private static final class MultilineLiteralRepresenter extends Representer {
    MultilineLiteralRepresenter(DumperOptions options) {
      super(options);
      this.representers.put(String.class, data -> {
        String text = (String) data;
        return text.contains("\n")
            ? representScalar(Tag.STR, text, DumperOptions.ScalarStyle.LITERAL)
            : representScalar(Tag.STR, text);
      });
    }
  }
}

package io.openservicemesh.bootstrap;

import io.openservicemesh.identity.SdsSecretName;
import io.openservicemesh.identity.ServiceIdentity;
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
 *       the control plane's Service name as the required SAN, so a pod talks to no other server. The
 *       certificate, key and roots are files of the mounted bootstrap Secret, read through file-based Secret
 *       Discovery ({@link BootstrapFiles}): when the control plane renews the certificate or the roots change,
 *       it rewrites the Secret, the kubelet swaps the files, and Envoy reloads them without a restart;</li>
 *   <li>its mesh certificates over Secret Discovery from that cluster ({@link #sdsConfigSource()}): the inbound
 *       listener (where the init container redirects inbound traffic) terminates mesh mutual TLS with the
 *       service certificate {@code service-cert:<ns>/<sa>} and trusts the peers that
 *       {@code root-cert-for-mtls-inbound:<ns>/<sa>} names, then passes the connection on to its original
 *       destination; a connection that is not TLS is passed on as it is (permissive), so the pod keeps talking to
 *       peers that are not meshed yet;</li>
 *   <li>an outbound listener (where outbound traffic is redirected) that passes every connection on to its
 *       original destination: routing between services is not this control plane's business, so the proxy
 *       changes nothing on the way out;</li>
 *   <li>the admin interface on loopback only (it can reconfigure the proxy), and a listener on the Prometheus
 *       port that exposes only the statistics page of the admin interface.</li>
 * </ul>
 */
public final class EnvoyBootstrap {

  static final String CONTROL_PLANE_CLUSTER = "osm-controller";
  static final String ADMIN_CLUSTER = "envoy-admin";
  static final String PROMETHEUS_LISTENER = "prometheus";
  static final String INBOUND_LISTENER = "inbound";
  static final String OUTBOUND_LISTENER = "outbound";
  static final String ORIGINAL_DESTINATION_CLUSTER = "original-destination";

  /**
   * @param nodeId the bootstrap certificate's common name
   * @param serviceAccount the pod's service account
   * @param namespace the pod's namespace
   * @param controlPlaneHost the DNS name Envoy requires in the control plane's certificate (and sends as SNI)
   * @param controlPlaneAddress what Envoy dials: the same name in a cluster, 127.0.0.1 for a local try-out
   * @param filesDirectory where the credential files and their file-based SDS resources are: the Secret's mount
   *     path in a pod
   */
  public record Parameters(String nodeId, String serviceAccount, String namespace, String controlPlaneHost,
      int controlPlanePort, String controlPlaneAddress, String filesDirectory) {

    /** A sidecar's: it dials the name its certificate must carry and reads the Secret mounted at the usual path. */
    public Parameters(
        String nodeId, String serviceAccount, String namespace, String controlPlaneHost, int controlPlanePort) {
      this(nodeId, serviceAccount, namespace, controlPlaneHost, controlPlanePort, controlPlaneHost,
          BootstrapFiles.MOUNT_PATH);
    }

    /** {@code <sa>.<ns>}: the proxy's service identity, as Envoy's node cluster. */
    public String nodeCluster() {
      return serviceAccount + "." + namespace;
    }
  }

  private EnvoyBootstrap() {}

  public static String yaml(Parameters p) {
    return dump(tree(p));
  }

  /** Envoy configuration as YAML: block style, PEM blocks as literal scalars so the Secret stays readable. */
  static String dump(Map<String, Object> tree) {
    return yaml().dump(tree);
  }

  /** The bootstrap as nested maps and lists, in the field names of Envoy's v3 API. */
  static Map<String, Object> tree(Parameters p) {
    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("node", map("id", p.nodeId(), "cluster", p.nodeCluster()));
    bootstrap.put("admin", map("address", socketAddress("127.0.0.1", ProxyPorts.ADMIN)));
    bootstrap.put("static_resources", map(
        "listeners", List.of(inboundListener(p), outboundListener(), prometheusListener()),
        "clusters", List.of(controlPlaneCluster(p), originalDestinationCluster(), adminCluster())));
    return bootstrap;
  }

  /** Where the proxy's certificates come from: a gRPC stream of Secret Discovery to the control plane cluster. */
  public static Map<String, Object> sdsConfigSource() {
    return map(
        "api_config_source", map(
            "api_type", "GRPC",
            "transport_api_version", "V3",
            "grpc_services", List.of(map("envoy_grpc", map("cluster_name", CONTROL_PLANE_CLUSTER)))),
        "resource_api_version", "V3");
  }

  /**
   * A Secret Discovery resource read from a file of the mounted Secret. The kubelet updates a Secret volume by
   * writing a new timestamped directory and moving the {@code ..data} link onto it; only that move is atomic, so
   * Envoy watches the mount directory for moves and then re-reads the file, not the file itself.
   */
  static Map<String, Object> fileConfigSource(String directory, String file) {
    return map(
        "path_config_source", map(
            "path", BootstrapFiles.path(directory, file),
            "watched_directory", map("path", directory)),
        "resource_api_version", "V3");
  }

  /** The SDS secret names of OSM's contract, bound by the server to the identity of the stream's certificate. */
  static String serviceCertificateSecret(Parameters p) {
    return SdsSecretName.serviceCertificate(new ServiceIdentity(p.serviceAccount(), p.namespace())).toString();
  }

  static String inboundValidationSecret(Parameters p) {
    return SdsSecretName.inboundValidation(new ServiceIdentity(p.serviceAccount(), p.namespace())).toString();
  }

  /**
   * TLS from a peer is terminated with the pod's service certificate, and the peer must present a certificate the
   * inbound validation context accepts; anything else passes through untouched. Both go to the original
   * destination, the application's own port.
   */
  private static Map<String, Object> inboundListener(Parameters p) {
    Map<String, Object> downstreamTls = map(
        "@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
        "require_client_certificate", true,
        "common_tls_context", map(
            "tls_params", map("tls_minimum_protocol_version", "TLSv1_2"),
            "tls_certificate_sds_secret_configs", List.of(map(
                "name", serviceCertificateSecret(p), "sds_config", sdsConfigSource())),
            "validation_context_sds_secret_config", map(
                "name", inboundValidationSecret(p), "sds_config", sdsConfigSource())));
    return map(
        "name", INBOUND_LISTENER,
        "address", socketAddress("0.0.0.0", ProxyPorts.INBOUND),
        "listener_filters", List.of(originalDestinationFilter(), map(
            "name", "envoy.filters.listener.tls_inspector",
            "typed_config", map(
                "@type", "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"))),
        "filter_chains", List.of(
            map(
                "name", "inbound-mesh-mtls",
                "filter_chain_match", map("transport_protocol", "tls"),
                "transport_socket", map("name", "envoy.transport_sockets.tls", "typed_config", downstreamTls),
                "filters", List.of(tcpProxy("inbound-mtls"))),
            map(
                "name", "inbound-plaintext",
                "filter_chain_match", map("transport_protocol", "raw_buffer"),
                "filters", List.of(tcpProxy("inbound-plaintext")))));
  }

  private static Map<String, Object> outboundListener() {
    return map(
        "name", OUTBOUND_LISTENER,
        "address", socketAddress("0.0.0.0", ProxyPorts.OUTBOUND),
        "listener_filters", List.of(originalDestinationFilter()),
        "filter_chains", List.of(map("name", "outbound-passthrough", "filters", List.of(tcpProxy("outbound")))));
  }

  private static Map<String, Object> originalDestinationFilter() {
    return map(
        "name", "envoy.filters.listener.original_dst",
        "typed_config", map(
            "@type", "type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst"));
  }

  private static Map<String, Object> tcpProxy(String statPrefix) {
    return map(
        "name", "envoy.filters.network.tcp_proxy",
        "typed_config", map(
            "@type", "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
            "stat_prefix", statPrefix,
            "cluster", ORIGINAL_DESTINATION_CLUSTER));
  }

  /** Connects to the address a redirected connection was originally for (Envoy's user is not redirected again). */
  private static Map<String, Object> originalDestinationCluster() {
    return map(
        "name", ORIGINAL_DESTINATION_CLUSTER,
        "type", "ORIGINAL_DST",
        "lb_policy", "CLUSTER_PROVIDED",
        "connect_timeout", "5s");
  }

  private static Map<String, Object> controlPlaneCluster(Parameters p) {
    Map<String, Object> tls = map(
        "common_tls_context", map(
            "tls_params", map("tls_minimum_protocol_version", "TLSv1_2"),
            "tls_certificate_sds_secret_configs", List.of(map(
                "name", BootstrapFiles.CLIENT_CERTIFICATE_SECRET,
                "sds_config", fileConfigSource(p.filesDirectory(), BootstrapFiles.CLIENT_CERTIFICATE_SDS))),
            // The roots come from a file; the required SAN stays here, so a rewritten file cannot widen it.
            "combined_validation_context", map(
                "default_validation_context", map(
                    "match_typed_subject_alt_names", List.of(map(
                        "san_type", "DNS",
                        "matcher", map("exact", p.controlPlaneHost())))),
                "validation_context_sds_secret_config", map(
                    "name", BootstrapFiles.TRUSTED_ROOTS_SECRET,
                    "sds_config", fileConfigSource(p.filesDirectory(), BootstrapFiles.TRUSTED_ROOTS_SDS))),
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
        "load_assignment", loadAssignment(CONTROL_PLANE_CLUSTER, p.controlPlaneAddress(), p.controlPlanePort()));
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

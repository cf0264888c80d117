package io.openservicemesh.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The bootstrap is read back as YAML and then parsed into Envoy's own v3 Bootstrap message (the protobuf JSON
 * mapping Envoy applies to YAML), so a misspelt field, a wrong type or an unknown typed config fails here as it
 * would fail Envoy's start-up.
 */
class EnvoyBootstrapTest {

  private static Certificate certificate;
  private static String yaml;
  private static Bootstrap bootstrap;

  static final ProxyIdentity PROXY = new ProxyIdentity(
      UUID.fromString("5c4a7e4e-1b2d-4f7c-9a0e-2f6f1e9d7c11"), new ServiceIdentity("bookstore-v1", "bookstore"));

  @BeforeAll
  static void generate() throws Exception {
    certificate = BootstrapFixtures.issue(PROXY);
    yaml = EnvoyBootstrap.yaml(new EnvoyBootstrap.Parameters(certificate.commonName(), "bookstore-v1", "bookstore",
        "osm-controller.osm-system.svc.cluster.local", 15128));
    bootstrap = parseAsEnvoy(yaml);
  }

  static Bootstrap parseAsEnvoy(String yaml) throws InvalidProtocolBufferException {
    Object tree = new Yaml().load(yaml);
    String json = new Gson().toJson(tree);
    JsonFormat.TypeRegistry types = JsonFormat.TypeRegistry.newBuilder()
        .add(UpstreamTlsContext.getDescriptor())
        .add(HttpProtocolOptions.getDescriptor())
        .add(HttpConnectionManager.getDescriptor())
        .add(Router.getDescriptor())
        .add(DownstreamTlsContext.getDescriptor())
        .add(OriginalDst.getDescriptor())
        .add(TlsInspector.getDescriptor())
        .add(TcpProxy.getDescriptor())
        .build();
    Bootstrap.Builder builder = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(types).merge(json, builder);
    return builder.build();
  }

  @Test
  void theNodeIsTheBootstrapCertificatesIdentity() {
    assertThat(bootstrap.getNode().getId())
        .isEqualTo("5c4a7e4e-1b2d-4f7c-9a0e-2f6f1e9d7c11.bookstore-v1.bookstore")
        .isEqualTo(certificate.commonName());
    assertThat(bootstrap.getNode().getCluster()).isEqualTo("bookstore-v1.bookstore");
  }

  @Test
  void adminListensOnLoopbackOnly() {
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getPortValue()).isEqualTo(15000);
  }

  @Test
  void theControlPlaneClusterSpeaksHttp2OverMutualTlsWithTheMeshCa() throws Exception {
    Cluster cluster = cluster("osm-controller");
    var endpoint = cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress();
    assertThat(endpoint.getAddress()).isEqualTo("osm-controller.osm-system.svc.cluster.local");
    assertThat(endpoint.getPortValue()).isEqualTo(15128);

    HttpProtocolOptions protocol = cluster.getTypedExtensionProtocolOptionsOrThrow(
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions").unpack(HttpProtocolOptions.class);
    assertThat(protocol.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();

    UpstreamTlsContext tls = cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEqualTo("osm-controller.osm-system.svc.cluster.local");
    var common = tls.getCommonTlsContext();
    assertThat(common.getTlsCertificatesList()).as("no inline credential").isEmpty();
    var clientCertificate = common.getTlsCertificateSdsSecretConfigs(0);
    assertThat(clientCertificate.getName()).isEqualTo("xds-client-certificate");
    assertFromWatchedFile(clientCertificate.getSdsConfig(), "/etc/envoy/xds-client-certificate.yaml");
    var validation = common.getCombinedValidationContext();
    var san = validation.getDefaultValidationContext().getMatchTypedSubjectAltNames(0);
    assertThat(san.getSanType().name()).isEqualTo("DNS");
    assertThat(san.getMatcher().getExact()).isEqualTo("osm-controller.osm-system.svc.cluster.local");
    assertThat(validation.getValidationContextSdsSecretConfig().getName()).isEqualTo("xds-trusted-roots");
    assertFromWatchedFile(validation.getValidationContextSdsSecretConfig().getSdsConfig(),
        "/etc/envoy/xds-trusted-roots.yaml");
  }

  /** Envoy reloads the file when an entry is moved into the mount directory: the kubelet's atomic update. */
  private static void assertFromWatchedFile(io.envoyproxy.envoy.config.core.v3.ConfigSource source, String path) {
    assertThat(source.getResourceApiVersion().name()).isEqualTo("V3");
    assertThat(source.getPathConfigSource().getPath()).isEqualTo(path);
    assertThat(source.getPathConfigSource().getWatchedDirectory().getPath()).isEqualTo("/etc/envoy");
  }

  @Test
  void inboundMeshTlsUsesTheServiceCertificateAndInboundRootsFromSds() throws Exception {
    Listener inbound = listener("inbound");
    assertThat(inbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(15003);
    assertThat(inbound.getListenerFiltersList()).extracting(f -> f.getName())
        .containsExactly("envoy.filters.listener.original_dst", "envoy.filters.listener.tls_inspector");

    var mtls = inbound.getFilterChains(0);
    assertThat(mtls.getFilterChainMatch().getTransportProtocol()).isEqualTo("tls");
    DownstreamTlsContext tls = mtls.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    assertThat(tls.getRequireClientCertificate().getValue()).isTrue();
    var certificate = tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0);
    assertThat(certificate.getName()).isEqualTo("service-cert:bookstore/bookstore-v1");
    assertSdsFromControlPlane(certificate.getSdsConfig());
    var validation = tls.getCommonTlsContext().getValidationContextSdsSecretConfig();
    assertThat(validation.getName()).isEqualTo("root-cert-for-mtls-inbound:bookstore/bookstore-v1");
    assertSdsFromControlPlane(validation.getSdsConfig());
    assertThat(mtls.getFilters(0).getTypedConfig().unpack(TcpProxy.class).getCluster())
        .isEqualTo("original-destination");

    var plaintext = inbound.getFilterChains(1);
    assertThat(plaintext.getFilterChainMatch().getTransportProtocol()).isEqualTo("raw_buffer");
    assertThat(plaintext.hasTransportSocket()).isFalse();
  }

  @Test
  void outboundTrafficPassesOnToItsOriginalDestination() throws Exception {
    Listener outbound = listener("outbound");
    assertThat(outbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(15001);
    assertThat(outbound.getFilterChains(0).getFilters(0).getTypedConfig().unpack(TcpProxy.class).getCluster())
        .isEqualTo("original-destination");
    Cluster original = cluster("original-destination");
    assertThat(original.getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(original.getLbPolicy()).isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
  }

  @Test
  void nothingIsAskedOfAnAdsServerThisControlPlaneDoesNotRun() {
    assertThat(bootstrap.hasDynamicResources()).isFalse();
  }

  private static void assertSdsFromControlPlane(io.envoyproxy.envoy.config.core.v3.ConfigSource source) {
    assertThat(source.getResourceApiVersion().name()).isEqualTo("V3");
    assertThat(source.getApiConfigSource().getApiType()).isEqualTo(ApiConfigSource.ApiType.GRPC);
    assertThat(source.getApiConfigSource().getTransportApiVersion().name()).isEqualTo("V3");
    assertThat(source.getApiConfigSource().getGrpcServices(0).getEnvoyGrpc().getClusterName())
        .isEqualTo("osm-controller");
  }

  private static Listener listener(String name) {
    return bootstrap.getStaticResources().getListenersList().stream().filter(l -> l.getName().equals(name))
        .findFirst().orElseThrow();
  }

  @Test
  void theSdsConfigSourceIsAValidGrpcSourceToTheControlPlane() throws Exception {
    String json = new Gson().toJson(EnvoyBootstrap.sdsConfigSource());
    var builder = io.envoyproxy.envoy.config.core.v3.ConfigSource.newBuilder();
    JsonFormat.parser().merge(json, builder);

    var source = builder.build().getApiConfigSource();
    assertThat(source.getApiType()).isEqualTo(ApiConfigSource.ApiType.GRPC);
    assertThat(source.getTransportApiVersion().name()).isEqualTo("V3");
    assertThat(source.getGrpcServices(0).getEnvoyGrpc().getClusterName()).isEqualTo("osm-controller");
  }

  @Test
  void prometheusGetsOnlyTheStatisticsPage() throws Exception {
    var listener = listener("prometheus");
    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(15010);
    HttpConnectionManager manager = listener.getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class);
    var routes = manager.getRouteConfig().getVirtualHosts(0).getRoutesList();
    assertThat(routes).hasSize(1);
    assertThat(routes.get(0).getMatch().getPath()).isEqualTo("/stats/prometheus");
    assertThat(routes.get(0).getRoute().getCluster()).isEqualTo("envoy-admin");
    assertThat(cluster("envoy-admin").getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint()
        .getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void theBootstrapHoldsNoKeyMaterial() {
    assertThat(yaml).doesNotContain("BEGIN", "inline_string");
    Map<String, Object> reread = new Yaml().load(yaml);
    assertThat(reread).containsKeys("node", "admin", "static_resources");
  }

  private static Cluster cluster(String name) {
    return bootstrap.getStaticResources().getClustersList().stream().filter(c -> c.getName().equals(name))
        .findFirst().orElseThrow();
  }
}

package io.openservicemesh.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.certificate.Certificate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The file-based SDS resources are read as Envoy reads them: a discovery response whose resources are typed
 * Secrets (protobuf JSON mapping of the YAML), so a wrong field or type fails here as it would fail Envoy.
 */
class BootstrapFilesTest {

  private final Certificate certificate = BootstrapFixtures.issue(EnvoyBootstrapTest.PROXY);
  private final Map<String, byte[]> files = BootstrapFiles.forProxy(
      EnvoyBootstrapTest.PROXY, "osm-system", BootstrapFiles.Credential.of(certificate));

  static Secret parseSecretFile(byte[] yaml) throws Exception {
    String json = new Gson().toJson((Object) new Yaml().load(new String(yaml, StandardCharsets.UTF_8)));
    DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder();
    JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(Secret.getDescriptor()).build())
        .merge(json, response);
    assertThat(response.getResourcesCount()).isOne();
    return response.getResources(0).unpack(Secret.class);
  }

  @Test
  void everySecretHoldsTheSameKeys() {
    assertThat(files).containsOnlyKeys("bootstrap.yaml", "xds-client-certificate.yaml", "xds-trusted-roots.yaml",
        "xds-client.crt", "xds-client.key", "xds-roots.crt");
  }

  @Test
  void theCredentialFilesHoldTheIssuedCertificateKeyAndRoots() {
    assertThat(text("xds-client.crt")).isEqualTo(certificate.certificateChainPem());
    assertThat(text("xds-client.key")).isEqualTo(certificate.privateKeyPem());
    assertThat(text("xds-roots.crt")).isEqualTo(certificate.trustedCasPem());
  }

  @Test
  void theClientCertificateResourceNamesTheCertificateAndKeyFilesUnderOneWatch() throws Exception {
    Secret secret = parseSecretFile(files.get("xds-client-certificate.yaml"));
    assertThat(secret.getName()).isEqualTo("xds-client-certificate");
    assertThat(secret.getTlsCertificate().getCertificateChain().getFilename()).isEqualTo("/etc/envoy/xds-client.crt");
    assertThat(secret.getTlsCertificate().getPrivateKey().getFilename()).isEqualTo("/etc/envoy/xds-client.key");
    assertThat(secret.getTlsCertificate().getWatchedDirectory().getPath()).isEqualTo("/etc/envoy");
  }

  @Test
  void theTrustedRootsResourceNamesTheRootsFile() throws Exception {
    Secret secret = parseSecretFile(files.get("xds-trusted-roots.yaml"));
    assertThat(secret.getName()).isEqualTo("xds-trusted-roots");
    assertThat(secret.getValidationContext().getTrustedCa().getFilename()).isEqualTo("/etc/envoy/xds-roots.crt");
    assertThat(secret.getValidationContext().getWatchedDirectory().getPath()).isEqualTo("/etc/envoy");
  }

  @Test
  void theBootstrapNamesTheProxyAndDialsTheControlPlaneOfItsMesh() throws Exception {
    var bootstrap = EnvoyBootstrapTest.parseAsEnvoy(text("bootstrap.yaml"));
    assertThat(bootstrap.getNode().getId()).isEqualTo(certificate.commonName());
    assertThat(bootstrap.getStaticResources().getClustersList()).anySatisfy(cluster -> assertThat(
        cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress()
            .getAddress()).isEqualTo("osm-controller.osm-system.svc.cluster.local"));
  }

  @Test
  void aCredentialNeverShowsItsKey() {
    assertThat(BootstrapFiles.Credential.of(certificate).toString()).doesNotContain("PRIVATE KEY");
  }

  private String text(String key) {
    return new String(files.get(key), StandardCharsets.UTF_8);
  }
}

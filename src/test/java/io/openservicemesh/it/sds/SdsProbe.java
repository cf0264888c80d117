package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.vault.TestPkiMount;
import io.openservicemesh.certificate.vault.TestPkiRole;
import io.openservicemesh.certificate.vault.VaultTestServer;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.testing.OpenSsl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What a test of a whole control plane needs of SDS: a meshed pod, and its service certificate fetched. */
public final class SdsProbe {

  /** Namespace of the probes' pods. */
  public static final String PODS = "sds-backends-it";

  private SdsProbe() {}

  /** A pod of the mesh, labelled as the injector would have labelled it. */
  public static ProxyIdentity proxyWithPod(String serviceAccount) throws ApiException {
    CoreV1Api api = TestCluster.core();
    TestCluster.ensureNamespace(api, PODS);
    ProxyIdentity proxy = new ProxyIdentity(UUID.randomUUID(), new ServiceIdentity(serviceAccount, PODS));
    api.createNamespacedPod(PODS, new V1Pod()
        .metadata(new V1ObjectMeta().name("pod-" + proxy.uuid()).namespace(PODS)
            .labels(Map.of("osm-proxy-uuid", proxy.uuid().toString())))
        .spec(new V1PodSpec().serviceAccountName(serviceAccount)
            .containers(List.of(new V1Container().name("app").image("example.invalid/app:1"))))).execute();
    return proxy;
  }

  /**
   * FetchSecrets of the proxy's {@code service-cert} over mutual TLS with its bootstrap certificate, trusting
   * {@code root}; the chain is checked with openssl against {@code root}. Returns the leaf.
   */
  public static X509Certificate serviceCertificate(ExtraControlPlane plane, String osmNamespace, ProxyIdentity proxy,
      Certificate bootstrap, String root) throws Exception {
    String name = "service-cert:" + proxy.service().namespace() + "/" + proxy.service().serviceAccount();
    DiscoveryResponse response;
    // Readiness (tls-endpoints) means the SDS endpoint handshakes already: no waiting here.
    try (EnvoyLikeClient client = EnvoyLikeClient.connect(plane.sdsPort(), bootstrap, root, osmNamespace)) {
      response = client.fetch(EnvoyLikeClient.request(proxy.commonName(), List.of(name)).build());
    }
    assertThat(response.getResourcesList()).hasSize(1);
    Secret secret = response.getResources(0).unpack(Secret.class);
    assertThat(secret.getName()).isEqualTo(name);
    String chain = secret.getTlsCertificate().getCertificateChain().getInlineString();
    OpenSsl.verify(root, chain);
    return Pem.decodeCertificates(chain).get(0);
  }

  /**
   * Vault set up with the mission's commands: pki mounted and tuned to a decade, the role allow_any_name=true
   * allow_subdomains=true (no URI SANs allowed), the root osm.root; the dev root token xyz.
   */
  public static TestPkiMount missionVault(VaultTestServer vault) {
    TestPkiMount pki = vault.enablePki("pki").tuneMaxLeaseTtl(Duration.ofHours(87_600))
        .role("openservicemesh", new TestPkiRole().allowAnyName(true).allowSubdomains(true))
        .generateRoot("osm.root", Duration.ofHours(87_600), Instant.now());
    vault.devRootToken("xyz");
    return pki;
  }

  /** The control plane's environment for that Vault, as the mission's --set lines give it, plus {@code more}. */
  public static Map<String, String> missionVaultSettings(String osmNamespace, VaultTestServer vault,
      Map<String, String> more) {
    Map<String, String> settings = new java.util.HashMap<>(Map.of(
        "OpenServiceMesh_osmNamespace", osmNamespace,
        "OpenServiceMesh_certificateManager", "vault",
        "OpenServiceMesh_vault_host", vault.address().getHost(),
        "OpenServiceMesh_vault_port", String.valueOf(vault.address().getPort()),
        "OpenServiceMesh_vault_protocol", "http",
        "OpenServiceMesh_vault_token", "xyz",
        "OpenServiceMesh_vault_role", "openservicemesh"));
    settings.putAll(more);
    return settings;
  }

  /** A bootstrap certificate from Vault's own API: {@code POST /v1/pki/issue/<role>} with the dev token. */
  public static Certificate vaultIssued(URI vault, String commonName, String root) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(vault.resolve("/v1/pki/issue/openservicemesh")).header("X-Vault-Token", "xyz")
            .POST(HttpRequest.BodyPublishers.ofString("{\"common_name\":\"" + commonName + "\",\"ttl\":\"1h\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject data = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("data");
    return new Certificate(Pem.decodeCertificates(data.get("certificate").getAsString()),
        data.get("private_key").getAsString(), root, root);
  }
}

package io.openservicemesh.it.sds;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The mesh as the SDS tests need it: the control plane's CA (read from its Secret, as the injector would use
 * it through the control plane), pods that exist in the API server, and bootstrap certificates for them.
 */
final class MeshFixture {

  static final String NAMESPACE = "sds-it";
  static final String TRUST_DOMAIN = "cluster.local";

  final CoreV1Api api = TestCluster.core();
  final CaBundle meshCa;
  final String meshCaPem;
  private final TresorIssuer issuer;
  private final MeshCertificateSpecs specs =
      new MeshCertificateSpecs(TRUST_DOMAIN, TestCluster.OSM_NAMESPACE, Duration.ofHours(1), KeySpec.ECDSA_P256);

  MeshFixture() throws Exception {
    TestCluster.ensureNamespace(api, NAMESPACE);
    V1Secret secret = api.readNamespacedSecret(TestCluster.CA_SECRET, TestCluster.OSM_NAMESPACE).execute();
    Map<String, byte[]> data = secret.getData();
    StoredCaBundle stored = new StoredCaBundle(text(data, "ca.crt"), text(data, "private.key"), null);
    meshCa = CaBundleCodec.decode(stored, "test", Instant.now());
    meshCaPem = stored.caCrt();
    issuer = new TresorIssuer(meshCa, Clock.systemUTC(), Duration.ofMinutes(1));
  }

  /** A proxy whose pod exists, with its bootstrap certificate. */
  Proxy proxyWithPod(String serviceAccount, Map<String, String> labels) throws Exception {
    ProxyIdentity identity = new ProxyIdentity(UUID.randomUUID(), new ServiceIdentity(serviceAccount, NAMESPACE));
    createPod(identity, labels);
    return new Proxy(identity, issuer.issue(specs.xdsBootstrap(identity)));
  }

  /** A proxy with a valid bootstrap certificate but no pod. */
  Proxy proxyWithoutPod(String serviceAccount) {
    ProxyIdentity identity = new ProxyIdentity(UUID.randomUUID(), new ServiceIdentity(serviceAccount, NAMESPACE));
    return new Proxy(identity, issuer.issue(specs.xdsBootstrap(identity)));
  }

  /** A bootstrap certificate of the right shape from a CA the mesh does not trust. */
  static Certificate certificateFromAnotherCa(ProxyIdentity identity) {
    CaBundle other = RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(1), Instant.now(), Duration.ZERO);
    return new TresorIssuer(other, Clock.systemUTC(), Duration.ZERO).issue(
        new MeshCertificateSpecs(TRUST_DOMAIN, TestCluster.OSM_NAMESPACE, Duration.ofHours(1), KeySpec.ECDSA_P256)
            .xdsBootstrap(identity));
  }

  void ensureService(String name, Map<String, String> selector) throws Exception {
    V1Service service = new V1Service().metadata(new V1ObjectMeta().name(name).namespace(NAMESPACE))
        .spec(new V1ServiceSpec().selector(selector).ports(List.of(new V1ServicePort().port(80))));
    try {
      api.createNamespacedService(NAMESPACE, service).execute();
    } catch (io.kubernetes.client.openapi.ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private void createPod(ProxyIdentity identity, Map<String, String> labels) throws Exception {
    java.util.HashMap<String, String> allLabels = new java.util.HashMap<>(labels);
    allLabels.put("osm-proxy-uuid", identity.uuid().toString());
    V1Pod pod = new V1Pod()
        .metadata(new V1ObjectMeta().name("pod-" + identity.uuid()).namespace(NAMESPACE).labels(allLabels))
        .spec(new V1PodSpec().serviceAccountName(identity.service().serviceAccount())
            .containers(List.of(new V1Container().name("app").image("example.invalid/app:1"))));
    api.createNamespacedPod(NAMESPACE, pod).execute();
  }

  private static String text(Map<String, byte[]> data, String key) {
    return new String(data.get(key), StandardCharsets.UTF_8);
  }

  /** A proxy and its xDS bootstrap certificate. */
  record Proxy(ProxyIdentity identity, Certificate bootstrap) {

    String nodeId() {
      return identity.commonName();
    }

    String serviceCert() {
      return "service-cert:" + identity.service().namespace() + "/" + identity.service().serviceAccount();
    }

    String inboundRoot() {
      return "root-cert-for-mtls-inbound:" + identity.service().namespace() + "/"
          + identity.service().serviceAccount();
    }
  }
}

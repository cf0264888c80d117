package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.certmanager.FakeCertManager.Answer;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.it.Chart;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.certificate.StartupException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC for the cert-manager issuer, exercised for real: the issuer, running with a token of the chart's
 * service account, starts (reads ca.crt of the CA bundle Secret, checks its Issuer or ClusterIssuer, sweeps
 * leftover requests) and issues a certificate through a CertificateRequest that it creates, watches and deletes,
 * while a stand-in for cert-manager signs. An issuer other than the configured one cannot be read.
 */
class CertManagerRbacIT {

  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String WITH_ISSUER = "osm-rbac-cm-" + SUFFIX;
  private static final String WITH_CLUSTER_ISSUER = "osm-rbac-cmc-" + SUFFIX;
  private static final String CLUSTER_ISSUER = "osm-rbac-root-" + SUFFIX;

  private static SigningCa meshCa;
  private static FakeCertManager issuerNamespace;
  private static FakeCertManager clusterIssuerNamespace;

  @BeforeAll
  static void installCertManagerTheChartAndTheOperatorsSteps() throws Exception {
    ApiClient admin = TestCluster.client();
    CertManagerCrds.install(admin);
    meshCa = SigningCa.root("chart RBAC test root");
    Chart.install(WITH_ISSUER, Map.of("OpenServiceMesh.certificateManager", "cert-manager"));
    Chart.install(WITH_CLUSTER_ISSUER, Map.of("OpenServiceMesh.certificateManager", "cert-manager",
        "OpenServiceMesh.certmanager.issuerKind", "ClusterIssuer",
        "OpenServiceMesh.certmanager.issuerName", CLUSTER_ISSUER));
    for (String namespace : List.of(WITH_ISSUER, WITH_CLUSTER_ISSUER)) {
      TestCluster.core().createNamespacedSecret(namespace, new V1Secret()
          .metadata(new V1ObjectMeta().name("osm-ca-bundle")).type("Opaque")
          .data(Map.of("ca.crt", FakeCertManager.pem(List.of(meshCa.root())).getBytes(StandardCharsets.UTF_8))))
          .execute();
    }
    issuerNamespace = new FakeCertManager(admin, WITH_ISSUER).start();
    issuerNamespace.createIssuer("Issuer", "osm-ca", FakeCertManager.caIssuerSpec(), Answer.SIGN, meshCa);
    issuerNamespace.createIssuer("Issuer", "another-ca", FakeCertManager.caIssuerSpec(), Answer.SIGN, meshCa);
    clusterIssuerNamespace = new FakeCertManager(admin, WITH_CLUSTER_ISSUER).start();
    clusterIssuerNamespace.createIssuer("ClusterIssuer", CLUSTER_ISSUER, FakeCertManager.caIssuerSpec(), Answer.SIGN,
        meshCa);
  }

  @AfterAll
  static void stopCertManagerAndRemoveClusterScopedObjects() {
    for (FakeCertManager certManager : new FakeCertManager[] {issuerNamespace, clusterIssuerNamespace}) {
      if (certManager != null) {
        certManager.close();
      }
    }
    for (String namespace : List.of(WITH_ISSUER, WITH_CLUSTER_ISSUER)) {
      Chart.kubectl("delete", "--ignore-not-found", "clusterrole/osm-controller-" + namespace,
          "clusterrolebinding/osm-controller-" + namespace, "mutatingwebhookconfiguration/osm-webhook-" + namespace,
          "validatingwebhookconfiguration/osm-webhook-validator-" + namespace);
    }
  }

  @Test
  void theServiceAccountStartsTheIssuerAndIssuesThroughItsIssuer() throws Exception {
    Certificate certificate = issue(WITH_ISSUER, Map.of());

    assertThat(certificate.leaf().getIssuerX500Principal()).isEqualTo(meshCa.root().getSubjectX500Principal());
    assertThat(issuerNamespace.failures()).isEmpty();
    assertThat(issuerNamespace.seen()).isNotEmpty();
    assertThat(requestsLeftIn(WITH_ISSUER)).as("the issuer deleted its request").isEmpty();
  }

  @Test
  void theServiceAccountStartsTheIssuerAndIssuesThroughItsClusterIssuer() throws Exception {
    Certificate certificate = issue(WITH_CLUSTER_ISSUER, Map.of(
        "OpenServiceMesh.certmanager.issuerKind", "ClusterIssuer",
        "OpenServiceMesh.certmanager.issuerName", CLUSTER_ISSUER));

    assertThat(certificate.leaf().getIssuerX500Principal()).isEqualTo(meshCa.root().getSubjectX500Principal());
    assertThat(clusterIssuerNamespace.failures()).isEmpty();
    assertThat(requestsLeftIn(WITH_CLUSTER_ISSUER)).isEmpty();
  }

  @Test
  void anIssuerTheChartWasNotConfiguredForCannotBeRead() {
    assertThatThrownBy(() -> issue(WITH_ISSUER, Map.of("OpenServiceMesh.certmanager.issuerName", "another-ca")))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("403")
        .hasMessageContaining("needs 'get' on issuers.cert-manager.io");
  }

  private static Certificate issue(String namespace, Map<String, String> overrides) throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("OpenServiceMesh.certificateManager", "cert-manager");
    values.put("OpenServiceMesh.osmNamespace", namespace);
    values.putAll(overrides);
    MeshSettings settings = MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
    ApiRetry retry = new ApiRetry(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)),
        () -> ThreadLocalRandom.current().nextDouble(), wait -> TimeUnit.NANOSECONDS.sleep(wait.toNanos()));
    CertManagerIssuer issuer = (CertManagerIssuer) new CertManagerStarter(Chart.serviceAccountClient(namespace),
        Clock.systemUTC(), System::nanoTime, retry, IssuanceListener.NONE, Duration.ofMinutes(1))
        .start(settings).issuer();
    return issuer.issue(new MeshCertificateSpecs("cluster.local", namespace, Duration.ofHours(1), KeySpec.ECDSA_P256)
        .service(new ServiceIdentity("bookstore", "bookstore")));
  }

  private static List<?> requestsLeftIn(String namespace) throws Exception {
    Object list = new CustomObjectsApi(TestCluster.client())
        .listNamespacedCustomObject("cert-manager.io", "v1", namespace, "certificaterequests").execute();
    return (List<?>) ((Map<?, ?>) list).get("items");
  }
}

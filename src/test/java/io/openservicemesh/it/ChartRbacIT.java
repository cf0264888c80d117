package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import io.kubernetes.client.util.PatchUtils;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.CaBundleSecretStore;
import io.openservicemesh.certificate.store.PublicCaBundleStore.PublicBundleWrite;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner.Outcome;
import io.openservicemesh.bootstrap.KubernetesBootstrapSecrets;
import io.openservicemesh.bootstrap.KubernetesMeshPods;
import io.openservicemesh.bootstrap.MeshPod;
import io.openservicemesh.bootstrap.OrphanSweep;
import io.openservicemesh.bootstrap.PodOwner;
import io.openservicemesh.bootstrap.StoredBootstrapSecret;
import io.openservicemesh.events.EventCorrelator;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.events.kubernetes.KubernetesEventSink;
import io.openservicemesh.k8s.LeaseLeadership;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC exercised for real: the control plane's own code and API calls, run with a token of the chart's
 * service account (TokenRequest API) against the API server, can do their job (the built-in CA's root in the CA
 * bundle Secret, Vault's published roots, the pod and service lookups of SDS, the injector's namespace read and
 * bootstrap Secrets by name, the leader Lease, the webhook caBundle patch, Events created and their count patched),
 * and everything else is refused with
 * 403: no Secret can be listed (unless the opt-in sweep is granted), no other Lease or webhook configuration
 * touched, no pod changed.
 */
class ChartRbacIT {

  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String TRESOR = "osm-rbac-tresor-" + SUFFIX;
  private static final String VAULT = "osm-rbac-vault-" + SUFFIX;
  private static final String APP = "osm-rbac-app-" + SUFFIX;
  private static final String PROXY_UUID = UUID.randomUUID().toString();
  private static final String CA_SECRET = "osm-ca-bundle";

  private static CoreV1Api admin;
  private static ApiClient tresorAccount;
  private static ApiClient vaultAccount;

  @BeforeAll
  static void installTwoControlPlanesAndAWorkload() throws Exception {
    admin = TestCluster.core();
    // The first control plane collects bootstrap Secrets (an opt-in grant); the second has the default grants.
    Chart.install(TRESOR, Map.of("injector.collectBootstrapSecrets", "true"));
    Chart.install(VAULT, Map.of("OpenServiceMesh.certificateManager", "vault",
        "OpenServiceMesh.vault.host", "vault.example.com", "OpenServiceMesh.vault.authMethod", "kubernetes",
        "OpenServiceMesh.vault.kubernetesRole", "osm-controller"));
    tresorAccount = Chart.serviceAccountClient(TRESOR);
    vaultAccount = Chart.serviceAccountClient(VAULT);

    // A meshed workload as the injector leaves it, and a Secret of its own that the mesh has no business reading.
    TestCluster.ensureNamespace(admin, APP);
    admin.createNamespacedPod(APP, new V1Pod()
        .metadata(new V1ObjectMeta().name("bookstore").putLabelsItem("app", "bookstore")
            .putLabelsItem("osm-proxy-uuid", PROXY_UUID))
        .spec(new V1PodSpec().serviceAccountName("bookstore")
            .containers(List.of(new V1Container().name("bookstore").image("bookstore:v1"))))).execute();
    admin.createNamespacedService(APP, new V1Service().metadata(new V1ObjectMeta().name("bookstore"))
        .spec(new V1ServiceSpec().putSelectorItem("app", "bookstore")
            .ports(List.of(new V1ServicePort().port(14001))))).execute();
    admin.createNamespacedSecret(APP, secret("database-password", "hunter2")).execute();
    admin.createNamespacedSecret(TRESOR, secret("unrelated", "not for the mesh")).execute();
  }

  @AfterAll
  static void removeClusterScopedObjects() {
    for (String namespace : List.of(TRESOR, VAULT)) {
      Chart.kubectl("delete", "--ignore-not-found", "clusterrole/osm-controller-" + namespace,
          "clusterrolebinding/osm-controller-" + namespace, "mutatingwebhookconfiguration/osm-webhook-" + namespace,
          "validatingwebhookconfiguration/osm-webhook-validator-" + namespace);
    }
  }

  @Test
  void theBuiltInCaStoresItsRootAndAnotherReplicaLoadsIt() throws Exception {
    CaBundleSecretStore store = new CaBundleSecretStore(new CoreV1Api(tresorAccount), TRESOR, CA_SECRET);

    TresorCaProvisioner.ProvisionedCa first = provisioner(store).provision();
    TresorCaProvisioner.ProvisionedCa second = provisioner(store).provision();

    assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(second.outcome()).isEqualTo(Outcome.LOADED);
    assertThat(second.bundle().certificate()).isEqualTo(first.bundle().certificate());
    assertThat(admin.readNamespacedSecret(CA_SECRET, TRESOR).execute().getData()).containsKey("private.key");
  }

  @Test
  void vaultPublishesAndReplacesItsRootsInTheCaBundleSecret() throws Exception {
    CaBundleSecretStore store = new CaBundleSecretStore(new CoreV1Api(vaultAccount), VAULT, CA_SECRET);
    StoredCaBundle first = publicBundle();
    StoredCaBundle rotated = publicBundle();

    assertThat(store.putPublicBundle(first)).isEqualTo(PublicBundleWrite.CREATED);
    assertThat(store.putPublicBundle(first)).isEqualTo(PublicBundleWrite.UNCHANGED);
    assertThat(store.putPublicBundle(rotated)).isEqualTo(PublicBundleWrite.REPLACED);
    assertThat(store.load()).contains(rotated);
  }

  @Test
  void sdsFindsTheProxysPodAndTheServicesPods() throws Exception {
    CoreV1Api core = new CoreV1Api(tresorAccount);

    List<V1Pod> proxies = core.listNamespacedPod(APP).labelSelector("osm-proxy-uuid=" + PROXY_UUID).execute()
        .getItems();
    V1Service service = core.readNamespacedService("bookstore", APP).execute();
    List<V1Pod> backends = core.listNamespacedPod(APP).labelSelector("app=bookstore").execute().getItems();

    assertThat(proxies).singleElement().satisfies(p -> assertThat(p.getSpec().getServiceAccountName())
        .isEqualTo("bookstore"));
    assertThat(service.getSpec().getSelector()).containsEntry("app", "bookstore");
    assertThat(backends).hasSize(1);
    try (okhttp3.Response watch = core.listPodForAllNamespaces().labelSelector("osm-proxy-uuid").watch(true)
        .timeoutSeconds(1).buildCall(null).execute()) {
      assertThat(watch.code()).as("the pod cache's watch of the meshed pods of all namespaces").isEqualTo(200);
    }
    assertThat(core.listServiceForAllNamespaces().execute().getItems()).as("the service cache's list")
        .anyMatch(s -> s.getMetadata().getName().equals("bookstore"));
    try (okhttp3.Response watch = core.listServiceForAllNamespaces().watch(true).timeoutSeconds(1).buildCall(null)
        .execute()) {
      assertThat(watch.code()).as("the service cache's watch of all namespaces").isEqualTo(200);
    }
  }

  @Test
  void bootstrapSecretsAreCreatedReadRewrittenWithTheirOwnerAndDeletedByNameOnly() throws Exception {
    new CoreV1Api(vaultAccount).readNamespace(APP).execute();
    KubernetesBootstrapSecrets secrets = new KubernetesBootstrapSecrets(new CoreV1Api(vaultAccount));
    UUID proxy = UUID.randomUUID();
    V1Pod pod = admin.readNamespacedPod("bookstore", APP).execute();

    StoredBootstrapSecret created = secrets.create(APP, proxy, Map.of("bootstrap.yaml", bytes("node: {id: x}")));
    StoredBootstrapSecret read = secrets.read(APP, created.name()).orElseThrow();
    StoredBootstrapSecret rewritten = secrets.rewrite(read, Map.of("bootstrap.yaml", bytes("node: {id: y}")),
        new PodOwner("bookstore", pod.getMetadata().getUid()));
    secrets.delete(APP, created.name(), rewritten.uid());

    assertThat(rewritten.owner()).contains(new PodOwner("bookstore", pod.getMetadata().getUid()));
    assertThat(admin.listNamespacedSecret(APP).execute().getItems()).extracting(s -> s.getMetadata().getName())
        .doesNotContain(created.name());
    assertThat(new KubernetesMeshPods(new CoreV1Api(vaultAccount)).list())
        .extracting(MeshPod::name).contains("bookstore");
  }

  @Test
  void theReplicasElectTheirLeaderOnTheirOwnLeaseOnly() throws Exception {
    try (LeaseLeadership leadership =
        new LeaseLeadership(tresorAccount, TRESOR, "osm-controller-leader", "replica-" + SUFFIX)) {
      leadership.start();
      assertThat(leadership.awaitLeading(Duration.ofSeconds(30))).isTrue();
      assertThat(new CoordinationV1Api(tresorAccount).readNamespacedLease("osm-controller-leader", TRESOR).execute()
          .getSpec().getHolderIdentity()).isEqualTo("replica-" + SUFFIX);
    }
    CoordinationV1Api leases = new CoordinationV1Api(tresorAccount);
    assertForbidden(() -> leases.readNamespacedLease("someone-elses", TRESOR).execute());
    assertForbidden(() -> leases.readNamespacedLease("osm-controller-leader", VAULT).execute());
    assertForbidden(() -> leases.listNamespacedLease(TRESOR).execute());
  }

  @Test
  void theControlPlanePatchesTheCaBundleOfItsOwnWebhookConfigurationOnly() throws Exception {
    AdmissionregistrationV1Api api = new AdmissionregistrationV1Api(tresorAccount);
    String own = "osm-webhook-" + TRESOR;
    byte[] roots = Pem.encode(newRoot().certificate()).getBytes(StandardCharsets.UTF_8);
    String patch = "[{\"op\":\"test\",\"path\":\"/webhooks/0/name\",\"value\":\"sidecar-injector.openservicemesh.io\"},"
        + "{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\""
        + Base64.getEncoder().encodeToString(roots) + "\"}]";

    api.readMutatingWebhookConfiguration(own).execute();
    PatchUtils.patch(V1MutatingWebhookConfiguration.class,
        () -> api.patchMutatingWebhookConfiguration(own, new V1Patch(patch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH, tresorAccount);

    assertThat(new AdmissionregistrationV1Api(TestCluster.client()).readMutatingWebhookConfiguration(own).execute()
        .getWebhooks().get(0).getClientConfig().getCaBundle()).isEqualTo(roots);
    String other = "osm-webhook-" + VAULT;
    assertForbidden(() -> PatchUtils.patch(V1MutatingWebhookConfiguration.class,
        () -> api.patchMutatingWebhookConfiguration(other, new V1Patch(patch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH, tresorAccount));
    assertForbidden(() -> api.readMutatingWebhookConfiguration(other).execute());
    assertForbidden(() -> api.createMutatingWebhookConfiguration(new V1MutatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name("intercept-everything-" + SUFFIX))
        .webhooks(List.of(new V1MutatingWebhook().name("everything.example.com").sideEffects("None")
            .admissionReviewVersions(List.of("v1"))
            .clientConfig(new AdmissionregistrationV1WebhookClientConfig().url("https://example.com/")))))
        .execute());
    assertForbidden(() -> api.deleteMutatingWebhookConfiguration(own).execute());
    assertForbidden(() -> api.listValidatingWebhookConfiguration().execute());
  }

  @Test
  void theOptInSweepListsBootstrapSecretsAndDeletesAnOrphan() throws Exception {
    CoreV1Api core = new CoreV1Api(tresorAccount);
    String orphan = "envoy-bootstrap-config-" + UUID.randomUUID();
    admin.createNamespacedSecret(APP, secret(orphan, "node: {id: x}").metadata(new V1ObjectMeta().name(orphan)
        .putLabelsItem("osm-proxy-uuid", UUID.randomUUID().toString())
        .putLabelsItem("app.kubernetes.io/name", "openservicemesh.io"))).execute();

    assertThat(core.listPodForAllNamespaces().labelSelector("osm-proxy-uuid").execute().getItems())
        .extracting(pod -> pod.getMetadata().getName()).contains("bookstore");
    assertThat(core.listSecretForAllNamespaces().labelSelector(OrphanSweep.SECRET_SELECTOR).execute()
        .getItems()).extracting(s -> s.getMetadata().getName()).contains(orphan);
    core.deleteNamespacedSecret(orphan, APP).execute();

    assertThat(admin.listNamespacedSecret(APP).execute().getItems()).extracting(s -> s.getMetadata().getName())
        .doesNotContain(orphan).contains("database-password");
  }

  @Test
  void theLiveConfigurationIsWatchedAndTheValidatorsCaBundlePatched() throws Exception {
    CoreV1Api core = new CoreV1Api(tresorAccount);
    admin.createNamespacedConfigMap(TRESOR, new V1ConfigMap().metadata(new V1ObjectMeta().name("osm-config"))
        .putDataItem("OpenServiceMesh.envoyLogLevel", "debug")).execute();
    admin.createNamespacedConfigMap(TRESOR, new V1ConfigMap().metadata(new V1ObjectMeta().name("other-config"))
        .putDataItem("x", "y")).execute();

    // The informer's calls: a list, then a watch, both selecting osm-config by name.
    assertThat(core.listNamespacedConfigMap(TRESOR).fieldSelector("metadata.name=osm-config").execute().getItems())
        .singleElement().satisfies(c -> assertThat(c.getData()).containsEntry("OpenServiceMesh.envoyLogLevel",
            "debug"));
    try (okhttp3.Response watch = core.listNamespacedConfigMap(TRESOR).fieldSelector("metadata.name=osm-config")
        .watch(true).timeoutSeconds(1).buildCall(null).execute()) {
      assertThat(watch.code()).isEqualTo(200);
    }
    core.readNamespacedConfigMap("osm-config", TRESOR).execute();
    assertForbidden(() -> core.readNamespacedConfigMap("other-config", TRESOR).execute());
    assertForbidden(() -> core.listNamespacedConfigMap(VAULT).execute());

    AdmissionregistrationV1Api api = new AdmissionregistrationV1Api(tresorAccount);
    String own = "osm-webhook-validator-" + TRESOR;
    byte[] roots = Pem.encode(newRoot().certificate()).getBytes(StandardCharsets.UTF_8);
    String patch = "[{\"op\":\"test\",\"path\":\"/webhooks/0/name\",\"value\":\"config-validator.openservicemesh.io\"},"
        + "{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\""
        + Base64.getEncoder().encodeToString(roots) + "\"}]";
    api.readValidatingWebhookConfiguration(own).execute();
    PatchUtils.patch(V1ValidatingWebhookConfiguration.class,
        () -> api.patchValidatingWebhookConfiguration(own, new V1Patch(patch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH, tresorAccount);
    assertThat(new AdmissionregistrationV1Api(TestCluster.client()).readValidatingWebhookConfiguration(own)
        .execute().getWebhooks().get(0).getClientConfig().getCaBundle()).isEqualTo(roots);
    assertForbidden(() -> api.readValidatingWebhookConfiguration("osm-webhook-validator-" + VAULT).execute());
    assertForbidden(() -> api.deleteValidatingWebhookConfiguration(own).execute());
  }

  @Test
  void eventsAreCreatedAndTheirCountPatchedInAnyNamespaceButNeverRead() throws Exception {
    CoreV1Api core = new CoreV1Api(tresorAccount);
    KubernetesEventSink sink = new KubernetesEventSink(core, "osm-controller-rbac");
    EventSubject secret = EventSubject.secret(TRESOR, CA_SECRET);
    EventSubject workload = EventSubject.namespace(APP);
    Instant now = Instant.now();
    String name = "osm-ca-bundle." + SUFFIX;

    sink.write(secret, MeshEvent.about(secret, EventReason.CA_LOADED, "loaded"),
        new EventCorrelator.Write(name, true, 1, now, now));
    sink.write(secret, MeshEvent.about(secret, EventReason.CA_LOADED, "loaded again"),
        new EventCorrelator.Write(name, false, 2, now, now.plusSeconds(30)));
    sink.write(workload, MeshEvent.about(workload, EventReason.INJECTION_REFUSED, "refused"),
        new EventCorrelator.Write(APP + "." + SUFFIX, true, 1, now, now));

    io.kubernetes.client.openapi.models.CoreV1Event stored = admin.readNamespacedEvent(name, TRESOR).execute();
    assertThat(stored.getCount()).isEqualTo(2);
    assertThat(stored.getMessage()).isEqualTo("loaded again");
    assertThat(stored.getReportingComponent()).isEqualTo("osm-controller");
    assertThat(admin.readNamespacedEvent(APP + "." + SUFFIX, APP).execute().getInvolvedObject().getKind())
        .isEqualTo("Namespace");
    assertForbidden(() -> core.readNamespacedEvent(name, TRESOR).execute());
    assertForbidden(() -> core.listNamespacedEvent(APP).execute());
    assertForbidden(() -> core.deleteNamespacedEvent(name, TRESOR).execute());
  }

  @Test
  void noSecretCanBeListedAndNothingElseChanged() throws Exception {
    CoreV1Api core = new CoreV1Api(vaultAccount);

    // Secrets are named, never listed: a token that leaks cannot enumerate the cluster's Secrets. (Getting,
    // updating and deleting by name are granted cluster-wide for the bootstrap Secrets, which Kubernetes cannot
    // narrow to a name prefix: see docs/deployment.md.)
    assertForbidden(() -> core.listSecretForAllNamespaces().execute());
    assertForbidden(() -> core.listNamespacedSecret(APP).execute());
    assertForbidden(() -> core.listNamespacedSecret("kube-system").execute());
    assertForbidden(() -> core.deleteNamespacedPod("bookstore", APP).execute());
    assertForbidden(() -> core.readNamespacedPod("bookstore", APP).execute());
    assertForbidden(() -> core.createNamespacedConfigMap(VAULT, new V1ConfigMap()
        .metadata(new V1ObjectMeta().name("osm-config-" + SUFFIX))).execute());
    assertForbidden(() -> core.createNamespace(new io.kubernetes.client.openapi.models.V1Namespace()
        .metadata(new V1ObjectMeta().name("osm-rbac-nope-" + SUFFIX))).execute());
  }

  @Test
  void certManagerRequestsAreOnlyGrantedWhenCertManagerIsTheCa() {
    CustomObjectsApi api = new CustomObjectsApi(tresorAccount);

    assertForbidden(() -> api.listNamespacedCustomObject("cert-manager.io", "v1", TRESOR, "certificaterequests")
        .execute());
    assertForbidden(() -> api.getNamespacedCustomObject("cert-manager.io", "v1", TRESOR, "issuers", "osm-ca")
        .execute());
  }

  private static void assertForbidden(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(403));
  }

  private static TresorCaProvisioner provisioner(CaBundleSecretStore store) {
    return new TresorCaProvisioner(store, KeySpec.ECDSA_P256, Duration.ofDays(365), Duration.ofMinutes(1),
        Clock.systemUTC());
  }

  private static CaBundle newRoot() {
    return RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(30), Instant.now(), Duration.ZERO);
  }

  private static StoredCaBundle publicBundle() {
    CaBundle root = newRoot();
    return StoredCaBundle.publicBundle(Pem.encode(root.certificate()), root.notAfter());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static V1Secret secret(String name, String value) {
    return new V1Secret().metadata(new V1ObjectMeta().name(name)).type("Opaque")
        .data(Map.of("value", value.getBytes(StandardCharsets.UTF_8)));
  }
}

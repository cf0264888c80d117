package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.certmanager.FakeCertManager.Answer;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.certificate.StartupException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cert-manager issuer against the real test API server, with cert-manager's CRDs installed from YAML and
 * {@link FakeCertManager} playing cert-manager's approver and CA issuer through the status subresource.
 */
class CertManagerIssuerIT {

  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String NAMESPACE = "osm-cm-" + SUFFIX;
  private static final String CLUSTER_ISSUER = "osm-cluster-ca-" + SUFFIX;
  private static final ServiceIdentity BOOKSTORE = new ServiceIdentity("bookstore", "bookstore");

  private static ApiClient client;
  private static FakeCertManager certManager;
  private static SigningCa meshCa;
  private static SigningCa intermediateCa;

  private final List<String> createdRequests = new ArrayList<>();
  private final ExecutorService background = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void installCertManagerAndAnIssuer() throws Exception {
    client = TestCluster.client();
    CertManagerCrds.install(client);
    TestCluster.ensureNamespace(TestCluster.core(), NAMESPACE);
    meshCa = SigningCa.root("cert-manager test root");
    intermediateCa = SigningCa.withIntermediate("cert-manager test root with intermediate");
    // The operator's step from the mission: the issuers' roots go into ca.crt of the CA bundle Secret.
    createCaBundleSecret("osm-ca-bundle", FakeCertManager.pem(List.of(meshCa.root(), intermediateCa.root())));

    certManager = new FakeCertManager(TestCluster.client(), NAMESPACE).start();
    JsonObject ca = FakeCertManager.caIssuerSpec();
    certManager.createIssuer("Issuer", "osm-ca", ca, Answer.SIGN, meshCa);
    certManager.createIssuer("Issuer", "osm-intermediate-ca", ca, Answer.SIGN, intermediateCa);
    certManager.createIssuer("Issuer", "deny-all", ca, Answer.DENY, meshCa);
    certManager.createIssuer("Issuer", "broken-ca", ca, Answer.FAIL, meshCa);
    certManager.createIssuer("Issuer", "unanswered", ca, Answer.NONE, meshCa);
    certManager.createIssuer("Issuer", "by-hand", ca, Answer.NONE, meshCa);
    certManager.createIssuer("Issuer", "stranger-ca", ca, Answer.SIGN, SigningCa.root("a CA the mesh does not trust"));
    certManager.createIssuer("Issuer", "letsencrypt", acmeSpec(), Answer.NONE, null);
    certManager.createIssuer("ClusterIssuer", CLUSTER_ISSUER, ca, Answer.SIGN, meshCa);
  }

  @AfterAll
  static void stopCertManager() {
    if (certManager != null) {
      certManager.close();
    }
  }

  @AfterEach
  void noRequestLeftAndCertManagerSawNothingWrong() throws Exception {
    background.shutdownNow();
    assertThat(certManager.failures()).isEmpty();
    for (String name : createdRequests) {
      assertThat(read(name)).as("CertificateRequest %s deleted", name).isEmpty();
    }
  }

  @Test
  void issuedCertificateChainsToTheIssuersCaAndCarriesTheSans() throws Exception {
    Recorder recorder = new Recorder();
    CertificateSpec spec = serviceSpec();

    Certificate certificate = issuer(Map.of(), recorder).issue(spec);

    assertThat(OpenSsl.verify(Pem.encode(meshCa.root()), certificate.certificateChainPem()))
        .contains("leaf.pem: OK");
    String text = OpenSsl.text(certificate.certificateChainPem());
    assertThat(text)
        .contains("Subject: O = Open Service Mesh, CN = bookstore.bookstore.cluster.local")
        .contains("DNS:bookstore.bookstore.cluster.local")
        .contains("URI:spiffe://cluster.local/ns/bookstore/sa/bookstore")
        .contains("Digital Signature, Key Encipherment")
        .contains("TLS Web Server Authentication, TLS Web Client Authentication")
        .contains("CA:FALSE");
    assertThat(Duration.between(certificate.notBefore(), certificate.notAfter()))
        .as("the requested duration, read back from the certificate").isEqualTo(Duration.ofHours(24));
    assertThat(certificate.issuingCaPem()).isEqualTo(Pem.encode(meshCa.root()));
    assertThat(Pem.decodeCertificates(certificate.trustedCasPem())).containsExactly(meshCa.root(),
        intermediateCa.root());
    assertKeyBelongsToLeaf(certificate);
    createdRequests.add(recorder.created());
  }

  @Test
  void theRequestIsWhatCertManagerDocuments() throws Exception {
    Recorder recorder = new Recorder();
    issuer(Map.of(), recorder).issue(serviceSpec());
    String name = recorder.created();
    createdRequests.add(name);

    JsonObject request = certManager.seen(name).orElseThrow();
    JsonObject metadata = request.getAsJsonObject("metadata");
    assertThat(name).startsWith("osm-");
    assertThat(metadata.get("generateName").getAsString()).isEqualTo("osm-");
    assertThat(metadata.getAsJsonObject("labels").get("app.kubernetes.io/name").getAsString())
        .isEqualTo("openservicemesh.io");
    assertThat(metadata.getAsJsonObject("labels").get("app.kubernetes.io/component").getAsString())
        .isEqualTo("certificate");
    assertThat(metadata.getAsJsonObject("labels").get("openservicemesh.io/certificate-kind").getAsString())
        .isEqualTo("service");
    assertThat(metadata.getAsJsonObject("annotations").get("openservicemesh.io/common-name").getAsString())
        .isEqualTo("bookstore.bookstore.cluster.local");
    JsonObject spec = request.getAsJsonObject("spec");
    assertThat(new String(Base64.getDecoder().decode(spec.get("request").getAsString()), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    assertThat(spec.get("duration").getAsString()).isEqualTo("24h0m0s");
    assertThat(spec.get("isCA").getAsBoolean()).isFalse();
    assertThat(spec.getAsJsonArray("usages").toString())
        .isEqualTo("[\"digital signature\",\"key encipherment\",\"server auth\",\"client auth\"]");
    JsonObject issuerRef = spec.getAsJsonObject("issuerRef");
    assertThat(issuerRef.keySet()).containsExactlyInAnyOrder("name", "kind", "group");
    assertThat(issuerRef.get("name").getAsString()).isEqualTo("osm-ca");
    assertThat(issuerRef.get("kind").getAsString()).isEqualTo("Issuer");
    assertThat(issuerRef.get("group").getAsString()).isEqualTo("cert-manager.io");
  }

  @Test
  void anIntermediateTheIssuerSignsWithIsServedInTheChain() throws Exception {
    Recorder recorder = new Recorder();

    Certificate certificate = issuer(Map.of("OpenServiceMesh.certmanager.issuerName", "osm-intermediate-ca"),
        recorder).issue(serviceSpec());

    assertThat(certificate.chain()).hasSize(2);
    assertThat(OpenSsl.verifyWithIntermediates(Pem.encode(intermediateCa.root()),
        Pem.encode(certificate.chain().get(1)), Pem.encode(certificate.leaf())))
        .contains("leaf.pem: OK");
    assertThat(certificate.issuingCaPem()).isEqualTo(Pem.encode(certificate.chain().get(1)));
    createdRequests.add(recorder.created());
  }

  @Test
  void clusterIssuerKindIsRequestedAndSigns() throws Exception {
    Recorder recorder = new Recorder();

    Certificate certificate = issuer(Map.of(
        "OpenServiceMesh.certmanager.issuerKind", "ClusterIssuer",
        "OpenServiceMesh.certmanager.issuerName", CLUSTER_ISSUER), recorder).issue(serviceSpec());

    assertThat(certificate.commonName()).isEqualTo("bookstore.bookstore.cluster.local");
    JsonObject issuerRef = certManager.seen(recorder.created()).orElseThrow()
        .getAsJsonObject("spec").getAsJsonObject("issuerRef");
    assertThat(issuerRef.get("kind").getAsString()).isEqualTo("ClusterIssuer");
    assertThat(issuerRef.get("name").getAsString()).isEqualTo(CLUSTER_ISSUER);
    createdRequests.add(recorder.created());
  }

  @Test
  void deniedIsReportedWithCertManagersReasonWithinASecond() throws Exception {
    Recorder recorder = new Recorder();
    CertManagerIssuer issuer = issuer(Map.of(
        "OpenServiceMesh.certmanager.issuerName", "deny-all",
        "OpenServiceMesh.certmanager.requestTimeout", "30s"), recorder);

    IssuanceException denied = catchThrowableOfType(IssuanceException.class, () -> issuer.issue(serviceSpec()));
    long reportedAt = System.nanoTime();

    String name = recorder.created();
    createdRequests.add(name);
    assertThat(denied.getMessage())
        .contains("CertificateRequest " + NAMESPACE + "/" + name)
        .contains("was denied (issuer Issuer " + NAMESPACE + "/deny-all)")
        .contains(FakeCertManager.DENIED_REASON + ": " + FakeCertManager.DENIED_MESSAGE);
    assertThat(denied.retryable()).as("asking again gets the same denial").isFalse();
    assertThat(Duration.ofNanos(reportedAt - certManager.answeredAtNanos(name).orElseThrow()))
        .isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void failedIsReportedWithCertManagersReasonWithinASecond() throws Exception {
    Recorder recorder = new Recorder();
    CertManagerIssuer issuer = issuer(Map.of(
        "OpenServiceMesh.certmanager.issuerName", "broken-ca",
        "OpenServiceMesh.certmanager.requestTimeout", "30s"), recorder);

    IssuanceException failed = catchThrowableOfType(IssuanceException.class, () -> issuer.issue(serviceSpec()));
    long reportedAt = System.nanoTime();

    String name = recorder.created();
    createdRequests.add(name);
    assertThat(failed.getMessage())
        .contains("failed (issuer Issuer " + NAMESPACE + "/broken-ca)")
        .contains("Failed: " + FakeCertManager.FAILED_MESSAGE);
    assertThat(failed.retryable()).as("a new request may succeed once the issuer is fixed").isTrue();
    assertThat(Duration.ofNanos(reportedAt - certManager.answeredAtNanos(name).orElseThrow()))
        .isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void anUnansweredRequestTimesOutClearly() throws Exception {
    Recorder recorder = new Recorder();
    CertManagerIssuer issuer = issuer(Map.of(
        "OpenServiceMesh.certmanager.issuerName", "unanswered",
        "OpenServiceMesh.certmanager.requestTimeout", "1s"), recorder);
    long started = System.nanoTime();

    IssuanceException timedOut = catchThrowableOfType(IssuanceException.class, () -> issuer.issue(serviceSpec()));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    createdRequests.add(recorder.created());
    assertThat(timedOut.getMessage())
        .contains("cert-manager did not answer CertificateRequest " + NAMESPACE + "/" + recorder.created())
        .contains("within 1s (OpenServiceMesh.certmanager.requestTimeout)")
        .contains("no conditions yet")
        .contains("Nothing approved it");
    assertThat(timedOut.retryable()).isTrue();
    assertThat(took).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
  }

  @Test
  void aCertificateFromACaOutsideTheMeshRootIsRefused() throws Exception {
    Recorder recorder = new Recorder();
    CertManagerIssuer issuer = issuer(Map.of("OpenServiceMesh.certmanager.issuerName", "stranger-ca"), recorder);

    IssuanceException refused = catchThrowableOfType(IssuanceException.class, () -> issuer.issue(serviceSpec()));

    createdRequests.add(recorder.created());
    assertThat(refused.getMessage())
        .contains("does not chain to the mesh root")
        .contains("The key ca.crt of Secret " + NAMESPACE + "/osm-ca-bundle must hold the root of Issuer "
            + NAMESPACE + "/stranger-ca");
    assertThat(refused.retryable()).isFalse();
  }

  @Test
  void requestsAreKeptForDebuggingWhenConfigured() throws Exception {
    Recorder recorder = new Recorder();

    issuer(Map.of("OpenServiceMesh.certmanager.keepCertificateRequests", "true"), recorder).issue(serviceSpec());

    JsonObject kept = read(recorder.created()).orElseThrow();
    assertThat(kept.getAsJsonObject("status").get("certificate").getAsString()).isNotEmpty();
    new CustomObjectsApi(client).deleteNamespacedCustomObject(
        "cert-manager.io", "v1", NAMESPACE, "certificaterequests", recorder.created()).execute();
  }

  @Test
  void aWatchTheServerEndsIsReopenedWithoutMissingTheAnswer() throws Exception {
    Recorder recorder = new Recorder();
    CertManagerIssuer issuer = issuer(Map.of(
        "OpenServiceMesh.certmanager.issuerName", "by-hand",
        "OpenServiceMesh.certmanager.requestTimeout", "30s"), recorder, Duration.ofSeconds(1), client);

    Future<Certificate> issuing = background.submit(() -> issuer.issue(serviceSpec()));
    recorder.awaitWatch(3);
    certManager.answer(recorder.created(), Answer.SIGN, meshCa);

    assertThat(issuing.get(30, TimeUnit.SECONDS).commonName()).isEqualTo("bookstore.bookstore.cluster.local");
    createdRequests.add(recorder.created());
  }

  @Test
  void droppedConnectionsAreSurvived() throws Exception {
    URI api = URI.create(client.getBasePath());
    try (TcpProxy proxy = new TcpProxy(api.getHost(), api.getPort())) {
      ApiClient throughProxy = TestCluster.client();
      throughProxy.setBasePath("https://127.0.0.1:" + proxy.port());
      Recorder recorder = new Recorder();
      CertManagerIssuer issuer = issuer(Map.of(
          "OpenServiceMesh.certmanager.issuerName", "by-hand",
          "OpenServiceMesh.certmanager.requestTimeout", "30s"), recorder, Duration.ofMinutes(1), throughProxy);

      Future<Certificate> issuing = background.submit(() -> issuer.issue(serviceSpec()));
      recorder.awaitWatch(1);
      proxy.dropConnections();
      recorder.awaitWatch(2);
      certManager.answer(recorder.created(), Answer.SIGN, meshCa);

      assertThat(issuing.get(30, TimeUnit.SECONDS).commonName()).isEqualTo("bookstore.bookstore.cluster.local");
      createdRequests.add(recorder.created());
    }
  }

  @Test
  void anAcmeIssuerIsRefusedAtStartUp() {
    assertThatThrownBy(() -> issuer(Map.of("OpenServiceMesh.certmanager.issuerName", "letsencrypt"), new Recorder()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("ACME issuers are not supported: Issuer " + NAMESPACE + "/letsencrypt is an ACME issuer");
  }

  @Test
  void aMissingIssuerIsNamedAtStartUp() {
    assertThatThrownBy(() -> issuer(Map.of("OpenServiceMesh.certmanager.issuerName", "no-such-issuer"),
        new Recorder()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("Issuer " + NAMESPACE + "/no-such-issuer does not exist");
  }

  @Test
  void aMissingCaBundleSecretGivesTheMissionsCommandAndCreatingItLaterStarts() throws Exception {
    String secret = "late-bundle-" + SUFFIX;
    Map<String, String> settings = Map.of("OpenServiceMesh.caBundleSecretName", secret);

    StartupException missing = catchThrowableOfType(StartupException.class, () -> issuer(settings, new Recorder()));

    assertThat(missing.getMessage())
        .contains("Secret " + NAMESPACE + "/" + secret + " does not exist")
        .contains("kubectl create secret -n " + NAMESPACE + " generic " + secret + " --from-file ca.crt");
    assertThat(missing.retryable()).as("start-up tries again, so creating the Secret is enough").isTrue();

    createCaBundleSecret(secret, Pem.encode(meshCa.root()));
    assertThat(issuer(settings, new Recorder()).trustedCasPem()).isEqualTo(Pem.encode(meshCa.root()));
  }

  @Test
  void leftoversOfEarlierProcessesAreSweptButNothingElse() throws Exception {
    CertificateRequestClient requests = new CertificateRequestClient(client, NAMESPACE);
    CertManagerIssuer issuer = issuer(Map.of(), new Recorder());
    // Requests of an issuer nobody answers, so that only the sweep acts on them.
    CertificateRequestResource template = issuer.requestFor(serviceSpec(), "not signed", "leftover");
    CertificateRequestResource.Spec unanswered = new CertificateRequestResource.Spec(template.spec().request(),
        "1h", List.of(), false, new CertificateRequestResource.IssuerRef("unanswered", "Issuer", "cert-manager.io"),
        null);
    CertificateRequestResource mesh = requests.create(new CertificateRequestResource(template.apiVersion(),
        template.kind(), template.metadata(), unanswered, null), Duration.ofSeconds(5));
    CertificateRequestResource foreign = requests.create(new CertificateRequestResource(template.apiVersion(),
        template.kind(), new V1ObjectMeta().generateName("other-"), unanswered, null), Duration.ofSeconds(5));

    int swept = LeftoverRequestSweeper.sweep(requests, Instant.now().plusSeconds(30), Duration.ofSeconds(10),
        Duration.ofSeconds(5));

    assertThat(swept).isGreaterThanOrEqualTo(1);
    assertThat(read(mesh.name())).isEmpty();
    assertThat(read(foreign.name())).as("not the mesh's: left alone").isPresent();
    requests.delete(foreign.name(), foreign.metadata().getUid(), Duration.ofSeconds(5));
  }

  private static CertificateSpec serviceSpec() {
    return new MeshCertificateSpecs("cluster.local", NAMESPACE, Duration.ofHours(24), KeySpec.ECDSA_P256)
        .service(BOOKSTORE);
  }

  private CertManagerIssuer issuer(Map<String, String> overrides, Recorder recorder) throws StartupException {
    return issuer(overrides, recorder, Duration.ofMinutes(1), client);
  }

  private static CertManagerIssuer issuer(Map<String, String> overrides, Recorder recorder, Duration watchWindow,
      ApiClient apiClient) throws StartupException {
    Map<String, String> values = new HashMap<>();
    values.put("OpenServiceMesh.certificateManager", "cert-manager");
    values.put("OpenServiceMesh.osmNamespace", NAMESPACE);
    values.putAll(overrides);
    MeshSettings settings = MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
    ApiRetry retry = new ApiRetry(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)),
        () -> ThreadLocalRandom.current().nextDouble(), wait -> TimeUnit.NANOSECONDS.sleep(wait.toNanos()));
    return (CertManagerIssuer) new CertManagerStarter(apiClient, Clock.systemUTC(), System::nanoTime, retry,
        recorder, watchWindow).start(settings).issuer();
  }

  private static void createCaBundleSecret(String name, String caCrt) throws ApiException {
    CoreV1Api core = TestCluster.core();
    TestCluster.deleteSecretIfPresent(core, NAMESPACE, name);
    core.createNamespacedSecret(NAMESPACE, new V1Secret()
        .metadata(new V1ObjectMeta().name(name))
        .type("Opaque")
        .data(Map.of("ca.crt", caCrt.getBytes(StandardCharsets.UTF_8)))).execute();
  }

  private static Optional<JsonObject> read(String name) throws ApiException {
    try {
      okhttp3.Call call = new CustomObjectsApi(client)
          .getNamespacedCustomObject("cert-manager.io", "v1", NAMESPACE, "certificaterequests", name)
          .buildCall(null);
      return Optional.of(client.<JsonObject>execute(call, JsonObject.class).getData());
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static JsonObject acmeSpec() {
    JsonObject key = new JsonObject();
    key.addProperty("name", "letsencrypt-account");
    JsonObject acme = new JsonObject();
    acme.addProperty("server", "https://acme-v02.api.letsencrypt.org/directory");
    acme.addProperty("email", "mesh-admin@example.com");
    acme.add("privateKeySecretRef", key);
    JsonObject spec = new JsonObject();
    spec.add("acme", acme);
    return spec;
  }

  private static void assertKeyBelongsToLeaf(Certificate certificate) throws Exception {
    byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA", SigningCa.BC);
    signer.initSign(Pem.decodePrivateKey(certificate.privateKeyPem()));
    signer.update(probe);
    Signature verifier = Signature.getInstance("SHA256withECDSA", SigningCa.BC);
    verifier.initVerify(certificate.leaf().getPublicKey());
    verifier.update(probe);
    assertThat(verifier.verify(signer.sign())).isTrue();
  }

  /** Follows one issuance: the request it created, and each watch it opened, as a queue to block on. */
  private static final class Recorder implements IssuanceListener {
    private final LinkedBlockingQueue<String> created = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Integer> watches = new LinkedBlockingQueue<>();
    private String name;

    @Override
    public void requestCreated(String name) {
      created.add(name);
    }

    @Override
    public void watchOpened(String name, int count) {
      watches.add(count);
    }

    String created() throws InterruptedException {
      if (name == null) {
        name = created.poll(30, TimeUnit.SECONDS);
        assertThat(name).as("a CertificateRequest was created").isNotNull();
      }
      return name;
    }

    void awaitWatch(int count) throws InterruptedException {
      while (true) {
        Integer opened = watches.poll(30, TimeUnit.SECONDS);
        assertThat(opened).as("watch number %d opened", count).isNotNull();
        if (opened >= count) {
          return;
        }
      }
    }
  }
}

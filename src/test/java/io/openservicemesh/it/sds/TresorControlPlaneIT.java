package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.PatchUtils;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.testing.Eventually;
import io.openservicemesh.testing.FaultProxy;
import io.openservicemesh.testing.OpenSsl;
import io.openservicemesh.testing.TlsContexts;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The built-in CA on a real Liberty server started by configuration alone (Tresor under a custom CA Secret name),
 * shared by its tests. It serves a service certificate over SDS to an Envoy-like client. And it keeps a proxy's
 * bootstrap credential over the life of its pod, against the real API server, with bootstrap certificates that live
 * one minute: the injector writes the Secret for a review, the pod appears
 * and becomes the Secret's owner, the leader renews the certificate and rewrites the Secret before it expires,
 * and an Envoy-like client that follows the mounted files (bootstrap, then its file-based SDS resources, then the
 * PEM files they name) reconnects to SDS with the new certificate. A Secret whose pod never comes is deleted after
 * the grace period. The test API server has no garbage collector: the ownerReference is asserted exactly.
 *
 * <p>The server reaches the API server through a {@link FaultProxy}, for the fault campaign's Kubernetes faults:
 * the API gone while streams are held and certificates fall due, and the API answering two seconds late during a
 * burst of admissions. {@code it.fault.streams} and {@code it.fault.outage.seconds} scale the outage (the
 * benchmark suite runs it at 1,000 streams and 60 s).
 */
class TresorControlPlaneIT {

  private static final String OSM_NAMESPACE = "osm-it-custom-ca";
  private static final String CA_SECRET = "my-secret-name";
  private static final String APPS = "bootstrap-renewal-it";
  private static final Duration LIFETIME = Duration.ofSeconds(60);
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);

  private static final int FAULT_STREAMS = Integer.getInteger("it.fault.streams", 20);
  private static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("it.fault.outage.seconds", 30));
  /** The API server's answers arrive this late during the admission burst (a slow etcd behind it). */
  private static final Duration API_LATENCY = Duration.ofSeconds(2);
  private static final int ADMISSION_BURST = 100;
  /** The webhook timeout the control plane registers: the API server gives up on an admission after it. */
  private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

  private static final CoreV1Api api = TestCluster.core();
  private static FaultProxy apiServer;
  private static ExtraControlPlane plane;
  private static String root;
  private static Report ready;

  @BeforeAll
  static void startAControlPlaneWithShortLivedBootstrapCertificates() throws Exception {
    TestCluster.ensureNamespace(api, OSM_NAMESPACE);
    TestCluster.ensureNamespace(api, APPS);
    TestCluster.forgetMesh(TestCluster.client(), OSM_NAMESPACE, CA_SECRET);
    apiServer = FaultProxy.to(TestCluster.apiAddress());
    plane = ExtraControlPlane.start(OSM_NAMESPACE, Map.of(
        "KUBECONFIG", TestCluster.kubeconfigThrough(apiServer.port()).toString(),
        "OpenServiceMesh_osmNamespace", OSM_NAMESPACE,
        "CERT_MANAGER", "tresor",
        "OpenServiceMesh_caBundleSecretName", CA_SECRET,
        "OpenServiceMesh_internalCertValidityDuration", LIFETIME.toSeconds() + "s",
        "OpenServiceMesh_serviceCertValidityDuration", LIFETIME.toSeconds() + "s",
        "OpenServiceMesh_allowShortCertValidity", "true",
        "OpenServiceMesh_bootstrapSecretGracePeriod", "5s",
        "OpenServiceMesh_webhook_extraServingNames", "localhost"));
    ready = plane.health().awaitReadiness(Report::up, READY_WITHIN);
    assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
    root = new String(api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute().getData().get("ca.crt"),
        StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() throws Exception {
    if (plane != null) {
      plane.close();
    }
    if (apiServer != null) {
      apiServer.close();
    }
  }

  @Test
  void tresorKeepsItsRootUnderACustomCaBundleSecretNameAndServesOverSds() throws Exception {
    V1Secret secret = api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute();
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "expiration", "private.key");
    assertThat(api.listNamespacedSecret(OSM_NAMESPACE).execute().getItems())
        .extracting(s -> s.getMetadata().getName()).doesNotContain("osm-ca-bundle");
    assertThat(ready.data("certificate-authority", "caLocation")).contains(CA_SECRET);
    ProxyIdentity proxy = SdsProbe.proxyWithPod("bookstore");
    Certificate bootstrap = bootstrapFor(proxy);

    X509Certificate leaf = SdsProbe.serviceCertificate(plane, OSM_NAMESPACE, proxy, bootstrap, root);

    assertThat(leaf.getSubjectX500Principal().getName()).startsWith("CN=bookstore." + SdsProbe.PODS
        + ".cluster.local");
    OpenSsl.verify(root, Pem.encode(leaf));
  }

  @Test
  void aLivePodsCredentialIsRenewedInItsSecretAndTheProxyReconnectsWithIt() throws Exception {
    V1Secret injected = injectWithoutPod("bookstore");
    UUID proxy = UUID.fromString(injected.getMetadata().getLabels().get("osm-proxy-uuid"));
    V1Pod pod = createPodFor(injected, "bookstore");
    Certificate first = MountedCredential.of(injected.getData());
    assertThat(fetchServiceCertificate(proxy, first)).isNotNull();

    V1Secret owned = await(injected.getMetadata().getName(), s -> s.getMetadata().getOwnerReferences() != null && !s.getMetadata().getOwnerReferences().isEmpty(),
        Duration.ofSeconds(30));
    assertThat(owned.getMetadata().getOwnerReferences()).containsExactly(new V1OwnerReference()
        .apiVersion("v1").kind("Pod").name(pod.getMetadata().getName()).uid(pod.getMetadata().getUid()));

    BigInteger firstSerial = first.leaf().getSerialNumber();
    V1Secret renewed = await(injected.getMetadata().getName(),
        s -> !leafOf(s).getSerialNumber().equals(firstSerial), LIFETIME.plusSeconds(30));
    Instant renewedAt = Instant.now();

    assertThat(renewedAt).as("renewed before the first certificate expired").isBefore(first.notAfter());
    assertThat(renewed.getData().keySet()).isEqualTo(injected.getData().keySet());
    Certificate second = MountedCredential.of(renewed.getData());
    assertThat(second.commonName()).isEqualTo(first.commonName());
    assertThat(second.notAfter()).isAfter(first.notAfter());
    X509Certificate served = fetchServiceCertificate(proxy, second);
    assertThat(served.getSubjectX500Principal().getName()).startsWith("CN=bookstore." + APPS + ".cluster.local");
    Report readiness = plane.health().readiness();
    assertThat(readiness.data("bootstrap-credentials", "kept")).isNotEqualTo("0");
  }

  /**
   * The API server gone for a while (connections cut, new ones refused) while streams are held and their
   * certificates, which live a minute, fall due: every stream stays open and receives its renewed certificate
   * during the outage; a proxy connecting meanwhile is checked against the control plane's pod cache and served,
   * while one whose pod the cache has not seen is refused as UNAVAILABLE (retryable, with the reason) rather than
   * served unchecked; once the API is back that proxy is served and the bootstrap credential whose renewal needs
   * the API is rewritten, without a restart.
   */
  @Test
  void aKubernetesApiOutageCostsNoHeldStreamAndWhatNeedsTheApiCompletesWhenItReturns() throws Exception {
    V1Secret injected = injectWithoutPod("bookstore");
    createPodFor(injected, "bookstore");
    BigInteger injectedSerial = leafOf(injected).getSerialNumber();
    // Pods first, as in a cluster, where a pod exists seconds before its Envoy dials (image pull, init). The
    // other control planes of the run list pods every 30 s too: the count allows for them and a late watch event.
    Map<ProxyIdentity, Certificate> proxies = new java.util.LinkedHashMap<>();
    for (int i = 0; i < FAULT_STREAMS; i++) {
      ProxyIdentity proxy = SdsProbe.proxyWithPod("outage");
      proxies.put(proxy, bootstrapFor(proxy));
    }
    ProxyIdentity newcomer = SdsProbe.proxyWithPod("newcomer");
    Certificate newcomerBootstrap = bootstrapFor(newcomer);
    Eventually.within(() -> plane.log().contains("watching the meshed pods"), Duration.ofSeconds(30),
        "the pod cache started");
    long podListsBefore = TestCluster.apiServerRequests("LIST", "pods");
    List<HeldStream> streams = new ArrayList<>();
    try {
      for (Map.Entry<ProxyIdentity, Certificate> proxy : proxies.entrySet()) {
        streams.add(new HeldStream(plane.sdsPort(), proxy.getKey(), proxy.getValue(), root, OSM_NAMESPACE));
      }
      Eventually.within(() -> streams.stream().allMatch(HeldStream::received), Duration.ofMinutes(2),
          "every stream served");
      long podLists = TestCluster.apiServerRequests("LIST", "pods") - podListsBefore;
      Map<HeldStream, String> served = new HashMap<>();
      streams.forEach(stream -> served.put(stream, stream.peer().chainPem()));

      apiServer.down();
      Instant downAt = Instant.now();
      io.grpc.Status newcomerDuringOutage;
      io.grpc.Status strangerDuringOutage;
      ProxyIdentity stranger;
      Certificate strangerBootstrap;
      List<String> readinessDuringOutage = new ArrayList<>();
      try {
        // The newcomer's pod is in the control plane's pod cache; the stranger's is created now, unseen by it.
        newcomerDuringOutage = awaitStatus(newcomer, newcomerBootstrap);
        stranger = SdsProbe.proxyWithPod("stranger");
        strangerBootstrap = bootstrapFor(stranger);
        strangerDuringOutage = fetchStatus(stranger, strangerBootstrap);
        Instant giveUp = downAt.plus(LIFETIME).plusSeconds(30);
        while (Instant.now().isBefore(downAt.plus(OUTAGE))
            || (!allRenewed(streams, served) && Instant.now().isBefore(giveUp))) {
          Report readiness = plane.health().readiness();
          readinessDuringOutage.add(readiness.httpStatus() + " " + readiness.publicBody().get("status").getAsString());
          Thread.sleep(1_000); // a polling interval while the outage lasts
        }
      } finally {
        apiServer.up();
      }
      Instant upAt = Instant.now();

      assertThat(streams).as("streams ended during the outage").allSatisfy(s -> assertThat(s.ended()).isNull());
      assertThat(allRenewed(streams, served)).as("every stream received its renewed certificate during the outage")
          .isTrue();
      assertThat(newcomerDuringOutage.isOk()).as("a proxy whose pod the cache holds, during the outage: %s",
          newcomerDuringOutage).isTrue();
      assertThat(strangerDuringOutage.getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      assertThat(strangerDuringOutage.getDescription()).contains("cannot be reached");
      ProxyIdentity strangerAfter = stranger;
      Certificate strangerAfterBootstrap = strangerBootstrap;
      Instant strangerServedAt = Eventually.within(() -> fetchStatus(strangerAfter, strangerAfterBootstrap).isOk(),
          Duration.ofSeconds(30), "the proxy whose pod came during the outage is served once the API is back");
      V1Secret renewed = await(injected.getMetadata().getName(),
          s -> !leafOf(s).getSerialNumber().equals(injectedSerial) && leafOf(s).getNotAfter().toInstant()
              .isAfter(Instant.now()), LIFETIME.plusSeconds(30));
      Instant secretRenewedAt = Instant.now();
      Report after = plane.health().awaitReadiness(Report::up, Duration.ofSeconds(30));
      assertThat(after.up()).as("readiness after the outage: %s", after.body()).isTrue();
      System.out.printf("API outage: %d streams held (opening them: %d pod LISTs at the API server, by everyone),"
          + " outage %d s, all renewed during it; a proxy of a cached pod served during it; a pod made during it"
          + " served %d ms and the bootstrap Secret renewed %d ms after the API returned; readiness during the"
          + " outage: %s%n",
          streams.size(), podLists, Duration.between(downAt, upAt).toSeconds(),
          Duration.between(upAt, strangerServedAt).toMillis(),
          Duration.between(upAt, secretRenewedAt).toMillis(), readinessDuringOutage.stream()
              .collect(java.util.stream.Collectors.groupingBy(r -> r, java.util.TreeMap::new,
                  java.util.stream.Collectors.counting())));
      assertThat(renewed.getData().keySet()).isEqualTo(injected.getData().keySet());
      assertThat(readinessDuringOutage).as("a replica that serves its streams stays in its Service's endpoints")
          .containsOnly("200 UP");
      assertThat(podLists).as("pod LISTs while the streams opened: the check reads the cache").isLessThan(
          Math.max(10, streams.size() / 10));
    } finally {
      for (HeldStream stream : streams) {
        stream.close();
      }
    }
  }

  /**
   * A burst of admissions while every answer of the API server arrives two seconds late: each is answered
   * within the webhook timeout, allowed with its patch or refused with a reason, and every bootstrap Secret the
   * burst wrote is whole (a Secret is one API object, so "half-written" would be one missing the keys).
   */
  @Test
  void aBurstOfAdmissionsWhileTheApiAnswersLateIsAnsweredInTimeAndLeavesOnlyWholeSecrets() throws Exception {
    Set<String> wholeKeys = injectWithoutPod("bookstore").getData().keySet();
    HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.trusting(root)).build();
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    label(Map.of("openservicemesh.io/monitored-by", OSM_NAMESPACE));
    apiServer.delay(API_LATENCY);
    try {
      for (int i = 0; i < ADMISSION_BURST; i++) {
        long start = System.nanoTime();
        answers.add(https.sendAsync(reviewRequest("burst").timeout(WEBHOOK_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString())
            .handle((response, failure) -> new Answer(response, failure, Duration.ofNanos(System.nanoTime() - start))));
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(1, java.util.concurrent.TimeUnit.MINUTES);
    } finally {
      apiServer.delay(Duration.ZERO);
      label(null);
    }

    List<Answer> done = answers.stream().map(CompletableFuture::join).toList();
    assertThat(done).as("answered within the webhook timeout").allSatisfy(a -> assertThat(a.failure()).isNull());
    List<String> allowedSecrets = new ArrayList<>();
    for (Answer answer : done) {
      String body = answer.response().body();
      assertThat(answer.response().statusCode()).isEqualTo(200);
      if (body.contains("\"allowed\":true")) {
        assertThat(body).contains("\"patch\"");
        allowedSecrets.add(secretNamedInPatch(body));
      } else {
        assertThat(body).as("a refusal says why").contains("\"message\"");
      }
    }
    List<Duration> latencies = done.stream().map(Answer::latency).sorted().toList();
    System.out.printf("admission burst at API latency %d ms: %d allowed of %d; p50 %d ms, p99 %d ms, max %d ms%n",
        API_LATENCY.toMillis(), allowedSecrets.size(), done.size(), latencies.get(latencies.size() / 2).toMillis(),
        latencies.get(latencies.size() * 99 / 100).toMillis(), latencies.get(latencies.size() - 1).toMillis());
    assertThat(allowedSecrets).as("the burst fits the per-namespace Secret budget").isNotEmpty();
    for (V1Secret secret : api.listNamespacedSecret(APPS).labelSelector("osm-proxy-uuid").execute().getItems()) {
      assertThat(secret.getData().keySet()).as("Secret %s", secret.getMetadata().getName()).isEqualTo(wholeKeys);
    }
    for (String name : allowedSecrets) {
      assertThat(api.readNamespacedSecret(name, APPS).execute().getData().keySet()).isEqualTo(wholeKeys);
    }
  }

  /** One admission's outcome at the caller: its response, or why none came, and how long it took. */
  private record Answer(HttpResponse<String> response, Throwable failure, Duration latency) {}

  @Test
  void aSecretWhosePodNeverCameIsDeletedAfterTheGracePeriod() throws Exception {
    V1Secret injected = injectWithoutPod("bookstore");

    Instant giveUp = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(giveUp)) {
      try {
        api.readNamespacedSecret(injected.getMetadata().getName(), APPS).execute();
      } catch (ApiException e) {
        assertThat(e.getCode()).isEqualTo(404);
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Secret " + injected.getMetadata().getName() + " outlived its grace period by a minute");
  }

  /**
   * Posts a review as the API server would, in a namespace of the mesh, and returns the Secret it wrote. The
   * namespace is part of the mesh only while the review is made: the test creates pods itself, and no webhook
   * configuration of any control plane in the test cluster must see them.
   */
  private static synchronized V1Secret injectWithoutPod(String serviceAccount) throws Exception {
    label(Map.of("openservicemesh.io/monitored-by", OSM_NAMESPACE));
    List<String> before;
    try {
      before = bootstrapSecretNames();
      HttpResponse<String> response = HttpClient.newBuilder().sslContext(TlsContexts.trusting(root)).build().send(
          reviewRequest(serviceAccount).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).contains("\"allowed\":true", "\"patch\"");
    } finally {
      label(null);
    }
    List<V1Secret> created = api.listNamespacedSecret(APPS).labelSelector("osm-proxy-uuid").execute().getItems()
        .stream().filter(s -> !before.contains(s.getMetadata().getName())).toList();
    assertThat(created).hasSize(1);
    return created.get(0);
  }

  /** The review the API server sends the injector for a new pod of {@code serviceAccount} in the apps namespace. */
  private static HttpRequest.Builder reviewRequest(String serviceAccount) {
    String review = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "%s", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "namespace": "%s",
          "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": "bookstore-", "annotations": {"openservicemesh.io/sidecar-injection": "enabled"}},
            "spec": {"serviceAccountName": "%s", "containers": [{"name": "app", "image": "app:v1"}]}}}}"""
        .formatted(UUID.randomUUID(), APPS, serviceAccount);
    return HttpRequest.newBuilder(URI.create("https://localhost:" + (plane.sdsPort() - 1) + "/mutate-pod-creation"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review));
  }

  /** The bootstrap Secret an allowed review's patch mounts. */
  private static String secretNamedInPatch(String reviewResponse) {
    String patch = new String(Base64.getDecoder().decode(
        com.google.gson.JsonParser.parseString(reviewResponse).getAsJsonObject().getAsJsonObject("response")
            .get("patch").getAsString()), StandardCharsets.UTF_8);
    java.util.regex.Matcher name = java.util.regex.Pattern.compile("envoy-bootstrap-config-[0-9a-f-]{36}").matcher(patch);
    assertThat(name.find()).as("a bootstrap Secret in the patch %s", patch).isTrue();
    return name.group();
  }

  /** The pod an injected Secret was written for, as its ReplicaSet would create it. */
  private static V1Pod createPodFor(V1Secret injected, String serviceAccount) throws ApiException {
    String proxy = injected.getMetadata().getLabels().get("osm-proxy-uuid");
    return api.createNamespacedPod(APPS, new V1Pod()
        .metadata(new V1ObjectMeta().name(serviceAccount + "-" + proxy).labels(Map.of("osm-proxy-uuid", proxy)))
        .spec(new V1PodSpec().serviceAccountName(serviceAccount)
            .containers(List.of(new V1Container().name("app").image("example.invalid/app:1"))))).execute();
  }

  /** How a FetchSecrets ends once it is not refused for the connection (the proxy dialled during a cut). */
  private static io.grpc.Status awaitStatus(ProxyIdentity proxy, Certificate bootstrap) throws Exception {
    io.grpc.Status status = fetchStatus(proxy, bootstrap);
    for (int attempt = 0; attempt < 5 && status.getCode() == io.grpc.Status.Code.UNAVAILABLE
        && !String.valueOf(status.getDescription()).contains("Kubernetes"); attempt++) {
      Thread.sleep(200);
      status = fetchStatus(proxy, bootstrap);
    }
    return status;
  }

  /** How a FetchSecrets of the proxy's service certificate ends. */
  private static io.grpc.Status fetchStatus(ProxyIdentity proxy, Certificate bootstrap) throws Exception {
    try {
      SdsProbe.serviceCertificate(plane, OSM_NAMESPACE, proxy, bootstrap, root);
      return io.grpc.Status.OK;
    } catch (io.grpc.StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** A bootstrap certificate for the proxy, signed with the control plane's root as the injector would. */
  private static Certificate bootstrapFor(ProxyIdentity proxy) throws Exception {
    V1Secret ca = api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute();
    TresorIssuer issuer = new TresorIssuer(CaBundleCodec.decode(new StoredCaBundle(root,
        new String(ca.getData().get("private.key"), StandardCharsets.UTF_8), null), "test", Instant.now()),
        Clock.systemUTC(), Duration.ofMinutes(1));
    return issuer.issue(new MeshCertificateSpecs("cluster.local", OSM_NAMESPACE, Duration.ofHours(1),
        KeySpec.ECDSA_P256).xdsBootstrap(proxy));
  }

  private static boolean allRenewed(List<HeldStream> streams, Map<HeldStream, String> served) {
    return streams.stream().allMatch(stream -> !served.get(stream).equals(stream.peer().chainPem()));
  }


  private static List<String> bootstrapSecretNames() throws ApiException {
    return api.listNamespacedSecret(APPS).labelSelector("osm-proxy-uuid").execute().getItems().stream()
        .map(s -> s.getMetadata().getName()).toList();
  }

  /** Sets (or, with null, removes) the namespace's mesh label. */
  private static void label(Map<String, String> labels) throws Exception {
    String value = labels == null ? "null" : "\"" + labels.values().iterator().next() + "\"";
    String patch = "{\"metadata\":{\"labels\":{\"openservicemesh.io/monitored-by\":" + value + "}}}";
    PatchUtils.patch(io.kubernetes.client.openapi.models.V1Namespace.class,
        () -> api.patchNamespace(APPS, new V1Patch(patch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, TestCluster.client());
  }

  private static X509Certificate fetchServiceCertificate(UUID proxy, Certificate bootstrap) throws Exception {
    String name = "service-cert:" + APPS + "/bookstore";
    DiscoveryResponse response;
    try (EnvoyLikeClient client = EnvoyLikeClient.connect(plane.sdsPort(), bootstrap, root, OSM_NAMESPACE)) {
      response = client.fetch(EnvoyLikeClient.request(bootstrap.commonName(), List.of(name)).build());
    }
    Secret secret = response.getResources(0).unpack(Secret.class);
    return Pem.decodeCertificate(secret.getTlsCertificate().getCertificateChain().getInlineString());
  }

  private static V1Secret await(String name, Predicate<V1Secret> condition, Duration within) throws Exception {
    Instant giveUp = Instant.now().plus(within);
    V1Secret secret = api.readNamespacedSecret(name, APPS).execute();
    while (!condition.test(secret) && Instant.now().isBefore(giveUp)) {
      Thread.sleep(250);
      secret = api.readNamespacedSecret(name, APPS).execute();
    }
    assertThat(condition.test(secret)).as("Secret %s within %s\n%s", name, within, plane.log()).isTrue();
    return secret;
  }

  private static X509Certificate leafOf(V1Secret secret) {
    try {
      return MountedCredential.of(secret.getData()).leaf();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * What Envoy loads from the mounted Secret, found the way Envoy finds it: the bootstrap's control-plane cluster
   * names its file-based SDS resources, and those name the PEM files. Each key of the Secret is a file in the
   * mount directory.
   */
  static final class MountedCredential {

    private static final String MOUNT = "/etc/envoy/";

    static Certificate of(Map<String, byte[]> files) throws Exception {
      Map<String, Object> bootstrap = yaml(files, "bootstrap.yaml");
      List<Map<String, Object>> clusters = list(path(bootstrap, "static_resources", "clusters"));
      Map<String, Object> controlPlane = clusters.stream().filter(c -> "osm-controller".equals(c.get("name")))
          .findFirst().orElseThrow();
      Map<String, Object> common = map(path(controlPlane, "transport_socket", "typed_config", "common_tls_context"));
      Map<String, Object> certificateSds = map(list(common.get("tls_certificate_sds_secret_configs")).get(0));
      Map<String, Object> rootsSds = map(path(common, "combined_validation_context",
          "validation_context_sds_secret_config"));
      Map<String, Object> tlsCertificate = map(resource(files, certificateSds).get("tls_certificate"));
      Map<String, Object> validation = map(resource(files, rootsSds).get("validation_context"));
      String chain = file(files, (String) path(tlsCertificate, "certificate_chain", "filename"));
      String key = file(files, (String) path(tlsCertificate, "private_key", "filename"));
      String roots = file(files, (String) path(validation, "trusted_ca", "filename"));
      return new Certificate(Pem.decodeCertificates(chain), key, roots, roots);
    }

    /** The one resource of the file an SDS config's path names, checked to be the Secret asked for by name. */
    private static Map<String, Object> resource(Map<String, byte[]> files, Map<String, Object> sdsConfig) {
      String path = (String) path(sdsConfig, "sds_config", "path_config_source", "path");
      Map<String, Object> resource = map(list(yaml(files, relative(path)).get("resources")).get(0));
      assertThat(resource.get("name")).isEqualTo(sdsConfig.get("name"));
      return resource;
    }

    private static String file(Map<String, byte[]> files, String path) {
      byte[] content = files.get(relative(path));
      assertThat(content).as("file %s in the Secret", path).isNotNull();
      return new String(content, StandardCharsets.UTF_8);
    }

    private static String relative(String path) {
      assertThat(path).startsWith(MOUNT);
      return path.substring(MOUNT.length());
    }

    private static Map<String, Object> yaml(Map<String, byte[]> files, String key) {
      return new Yaml().load(file(files, MOUNT + key));
    }

    private static Object path(Map<String, Object> tree, String... keys) {
      Object current = tree;
      for (String key : keys) {
        current = map(current).get(key);
      }
      return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
      return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
      return (List<Map<String, Object>>) value;
    }
  }
}

package io.openservicemesh.injector;

import io.openservicemesh.bootstrap.BootstrapFiles;
import io.openservicemesh.bootstrap.BootstrapSecretException;
import io.openservicemesh.bootstrap.BootstrapSecrets;
import io.openservicemesh.bootstrap.NewBootstrapSecrets;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.webhook.AdmissionRequest;
import io.openservicemesh.webhook.AdmissionResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class SidecarInjectorTest {

  private static final UUID FIRST = UUID.fromString("11111111-1111-4111-8111-111111111111");
  private static final UUID SECOND = UUID.fromString("22222222-2222-4222-8222-222222222222");

  private final Pods.Mesh controlPlane = Pods.mesh(Pods.settings(), KeySpec.ECDSA_P256);
  private final Map<String, Map<String, byte[]>> secrets = new ConcurrentHashMap<>();
  private final Deque<BootstrapSecretException> secretFailures = new ArrayDeque<>();
  private final Map<String, Map<String, String>> namespaces = Map.of(
      "bookstore", Map.of(InjectionAnnotation.NAME, "enabled"),
      "plain", Map.of(),
      "broken", Map.of(InjectionAnnotation.NAME, "perhaps"));
  private final List<MeshEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Deque<UUID> uuids = new ArrayDeque<>(List.of(FIRST, SECOND));

  private final NewBootstrapSecrets store = (namespace, proxy, files) -> {
    if (!secretFailures.isEmpty()) {
      throw secretFailures.pop();
    }
    secrets.put(namespace + "/" + BootstrapSecrets.nameOf(proxy), files);
  };

  private SidecarInjector injector(Optional<Pods.Mesh> ready) {
    return injector(ready, meshNamespaces(), new SecretCreationLimit(Clock.systemUTC()));
  }

  /** The namespaces above, each part of the mesh. */
  private NamespaceCache.Source meshNamespaces() {
    return ns -> new NamespaceFacts(Map.of(NamespaceFacts.MONITORED_BY, "osm"), namespaces.getOrDefault(ns, Map.of()));
  }

  private SidecarInjector injector(Optional<Pods.Mesh> ready, NamespaceCache.Source namespaces,
      SecretCreationLimit limit) {
    return new SidecarInjector(() -> ready.map(Pods.Mesh::settings), () -> "the CA Secret is broken",
        controlPlane.bootstrapCertificates(), new NamespaceCache(namespaces, Clock.systemUTC(), Duration.ofSeconds(5)),
        store, uuids::pop, limit, events::add);
  }

  private static AdmissionRequest create(String namespace, JsonObject pod, boolean dryRun) {
    return new AdmissionRequest("uid-1", "Pod", namespace, "", "CREATE", dryRun, Optional.of(pod));
  }

  @Test
  void anInjectedPodGetsItsBootstrapSecretWithACertificateForItsIdentity() throws Exception {
    AdmissionResponse response = injector(Optional.of(controlPlane)).admit(create("bookstore", Pods.minimal(), false));

    assertThat(response.allowed()).isTrue();
    assertThat(response.patch()).isPresent();
    String name = "bookstore/envoy-bootstrap-config-" + FIRST;
    assertThat(secrets).containsOnlyKeys(name);
    String yaml = new String(secrets.get(name).get("bootstrap.yaml"), StandardCharsets.UTF_8);
    Map<String, Object> bootstrap = new Yaml().load(yaml);
    assertThat(((Map<?, ?>) bootstrap.get("node")).get("id")).isEqualTo(FIRST + ".bookstore-v1.bookstore");

    // The certificate beside the bootstrap is the proxy's, signed by the mesh CA.
    String chain = new String(secrets.get(name).get(BootstrapFiles.CERTIFICATE_CHAIN), StandardCharsets.UTF_8);
    X509Certificate leaf = Pem.decodeCertificate(chain);
    leaf.verify(Pem.decodeCertificate(controlPlane.cache().trustedCasPem()).getPublicKey());
    assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=" + FIRST + ".bookstore-v1.bookstore");

    JsonObject patched = Pods.apply(response.patch().get(), Pods.minimal());
    assertThat(patched.getAsJsonObject("metadata").getAsJsonObject("labels").get("osm-proxy-uuid").getAsString())
        .isEqualTo(FIRST.toString());
    // Ten-year bootstrap certificates live in the Secret, not in the manager's cache.
    assertThat(controlPlane.cache().size()).isZero();
  }

  @Test
  void aDryRunGetsThePatchButNoCertificateAndNoSecret() {
    AdmissionResponse response = injector(Optional.of(controlPlane)).admit(create("bookstore", Pods.minimal(), true));

    assertThat(response.allowed()).isTrue();
    assertThat(response.patch()).isPresent();
    assertThat(secrets).isEmpty();
    assertThat(controlPlane.cache().size()).isZero();
  }

  @Test
  void aPodInANamespaceWithoutTheAnnotationIsAdmittedUnchanged() {
    AdmissionResponse response = injector(Optional.of(controlPlane)).admit(create("plain", Pods.minimal(), false));

    assertThat(response).isEqualTo(AdmissionResponse.allow());
    assertThat(secrets).isEmpty();
  }

  @Test
  void aBadNamespaceAnnotationRefusesThePod() {
    AdmissionResponse response = injector(Optional.of(controlPlane)).admit(create("broken", Pods.minimal(), false));

    assertThat(response.allowed()).isFalse();
    assertThat(response.code()).isEqualTo(403);
    assertThat(response.message().orElseThrow()).contains("openservicemesh.io/sidecar-injection", "\"perhaps\"");
  }

  @Test
  void aRefusedPodWithoutANameIsToldOnItsNamespace() {
    injector(Optional.of(controlPlane)).admit(create("broken", Pods.minimal(), false));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.reason()).isEqualTo(EventReason.INJECTION_REFUSED);
      assertThat(event.subject()).contains(EventSubject.namespace("broken"));
      assertThat(event.message()).contains("openservicemesh.io/sidecar-injection");
    });
  }

  @Test
  void aRefusedPodWithANameIsToldOnThePod() {
    JsonObject named = Pods.minimal();
    named.getAsJsonObject("metadata").addProperty("name", "bookstore-v1");

    injector(Optional.of(controlPlane)).admit(create("broken", named, false));

    assertThat(events).extracting(MeshEvent::subject).containsExactly(Optional.of(EventSubject.pod("broken",
        "bookstore-v1")));
  }

  @Test
  void anInjectedPodRecordsNoEvent() {
    injector(Optional.of(controlPlane)).admit(create("bookstore", Pods.minimal(), false));

    assertThat(events).isEmpty();
  }

  @Test
  void aSecretNameTakenAlreadyIsRetriedWithANewUuid() {
    secretFailures.push(new BootstrapSecretException("exists", true));

    AdmissionResponse response = injector(Optional.of(controlPlane)).admit(create("bookstore", Pods.minimal(), false));

    assertThat(response.allowed()).isTrue();
    assertThat(secrets).containsOnlyKeys("bookstore/envoy-bootstrap-config-" + SECOND);
    assertThat(response.patch().orElseThrow().toString()).contains(SECOND.toString()).doesNotContain(FIRST.toString());
  }

  @Test
  void anApiFailureWritingTheSecretDeniesWithTheReason() {
    secretFailures.push(new BootstrapSecretException(
        "cannot create Secret bookstore/x: HTTP 503 etcdserver: leader changed", false));

    AdmissionResponse response = injector(Optional.of(controlPlane)).admit(create("bookstore", Pods.minimal(), false));

    assertThat(response.allowed()).isFalse();
    assertThat(response.code()).isEqualTo(500);
    assertThat(response.message()).hasValue("cannot create Secret bookstore/x: HTTP 503 etcdserver: leader changed");
  }

  @Test
  void aNamespacePastItsSecretBudgetIsRefusedForNowAndNothingIsWritten() {
    SidecarInjector limited = injector(Optional.of(controlPlane), meshNamespaces(),
        new SecretCreationLimit(1, 0, Clock.systemUTC()));

    assertThat(limited.admit(create("bookstore", Pods.minimal(), false)).allowed()).isTrue();
    AdmissionResponse second = limited.admit(create("bookstore", Pods.minimal(), false));

    assertThat(second.allowed()).isFalse();
    assertThat(second.code()).isEqualTo(AdmissionResponse.TOO_MANY);
    assertThat(second.message().orElseThrow()).contains("at most 1 at once", "namespace bookstore", "retried");
    assertThat(secrets).hasSize(1);
  }

  @Test
  void aNamespaceOutsideTheMeshGetsNoSecretWhateverThePodSays() {
    SidecarInjector outside = injector(Optional.of(controlPlane),
        ns -> new NamespaceFacts(Map.of(), Map.of(InjectionAnnotation.NAME, "enabled")),
        new SecretCreationLimit(Clock.systemUTC()));
    JsonObject pod = Pods.minimal();
    JsonObject annotations = new JsonObject();
    annotations.addProperty(InjectionAnnotation.NAME, "enabled");
    pod.getAsJsonObject("metadata").add("annotations", annotations);

    AdmissionResponse response = outside.admit(create("bookstore", pod, false));

    assertThat(response.allowed()).isTrue();
    assertThat(response.patch()).isEmpty();
    assertThat(secrets).isEmpty();
  }

  @Test
  void beforeTheControlPlaneIsReadyPodsAreDeniedWithTheReason() {
    AdmissionResponse response = injector(Optional.empty()).admit(create("bookstore", Pods.minimal(), false));

    assertThat(response.allowed()).isFalse();
    assertThat(response.message().orElseThrow()).contains("not ready", "the CA Secret is broken");
  }

  @Test
  void aNamespaceThatCannotBeReadDeniesThePod() {
    SidecarInjector injector = injector(Optional.of(controlPlane), ns -> {
      throw new InjectionException("cannot read namespace bookstore: HTTP 403 forbidden");
    }, new SecretCreationLimit(Clock.systemUTC()));

    AdmissionResponse response = injector.admit(create("bookstore", Pods.minimal(), false));

    assertThat(response.allowed()).isFalse();
    assertThat(response.message()).hasValue("cannot read namespace bookstore: HTTP 403 forbidden");
  }

  @Test
  void otherOperationsAndKindsPassUnchanged() {
    SidecarInjector injector = injector(Optional.of(controlPlane));
    assertThat(injector.admit(new AdmissionRequest("u", "Pod", "bookstore", "p", "UPDATE", false,
        Optional.of(Pods.minimal())))).isEqualTo(AdmissionResponse.allow());
    assertThat(injector.admit(new AdmissionRequest("u", "ConfigMap", "bookstore", "c", "CREATE", false,
        Optional.of(new JsonObject())))).isEqualTo(AdmissionResponse.allow());
  }
}

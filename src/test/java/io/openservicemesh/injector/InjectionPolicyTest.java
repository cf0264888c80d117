package io.openservicemesh.injector;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.openservicemesh.injector.InjectionDecision.Inject;
import io.openservicemesh.injector.InjectionDecision.Refuse;
import io.openservicemesh.injector.InjectionDecision.Skip;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InjectionPolicyTest {

  private final InjectionPolicy policy = new InjectionPolicy("osm-system", false);

  private static AdmittedPod pod(String namespace, Map<String, String> annotations) {
    JsonObject pod = Pods.minimal();
    JsonObject map = new JsonObject();
    annotations.forEach(map::addProperty);
    pod.getAsJsonObject("metadata").add("annotations", map);
    return new AdmittedPod(pod, namespace);
  }

  /** A namespace of the mesh, annotated with {@code value} (none when null). */
  private static InjectionPolicy.NamespaceLookup namespace(String value) {
    return ns -> new NamespaceFacts(Map.of(NamespaceFacts.MONITORED_BY, "osm"),
        value == null ? Map.of() : Map.of(InjectionAnnotation.NAME, value));
  }

  @ParameterizedTest
  @CsvSource({
      // pod annotation, namespace annotation, expected
      "enabled,,Inject", "YES,,Inject", "True,,Inject",
      "disabled,,Skip", "No,,Skip", "FALSE,,Skip",
      ",enabled,Inject", ",yes,Inject", ",disabled,Skip", ",false,Skip",
      "disabled,enabled,Skip", "enabled,disabled,Inject",
      ",,Skip",
      "maybe,,Refuse", ",on,Refuse", "'',enabled,Refuse"})
  void podAnnotationThenNamespaceThenDefault(String onPod, String onNamespace, String expected) throws Exception {
    AdmittedPod pod = pod("bookstore", onPod == null ? Map.of() : Map.of(InjectionAnnotation.NAME, onPod));

    InjectionDecision decision = policy.decide(pod, namespace(onNamespace));

    assertThat(decision.getClass().getSimpleName()).isEqualTo(expected);
  }

  @Test
  void aBadValueIsRefusedNamingTheAnnotationTheObjectAndTheAcceptedValues() throws Exception {
    InjectionDecision decision = policy.decide(pod("bookstore", Map.of()), namespace("on"));

    assertThat(decision).isInstanceOf(Refuse.class);
    assertThat(decision.reason()).isEqualTo("annotation openservicemesh.io/sidecar-injection on namespace bookstore"
        + " must be one of enabled, yes, true (inject) or disabled, no, false (do not inject), in any case, got \"on\"");
  }

  @Test
  void aNamespaceOutsideTheMeshIsSkippedWhateverThePodOrRequestClaims() throws Exception {
    InjectionPolicy.NamespaceLookup outside = ns -> new NamespaceFacts(Map.of(),
        Map.of(InjectionAnnotation.NAME, "enabled"));

    InjectionDecision decision = policy.decide(pod("bookstore", Map.of(InjectionAnnotation.NAME, "enabled")), outside);

    assertThat(decision).isInstanceOf(InjectionDecision.Skip.class);
    assertThat(decision.reason()).isEqualTo("namespace bookstore is not part of the mesh: its Namespace object has no"
        + " label openservicemesh.io/monitored-by");
    assertThat(policy.decide(pod("absent", Map.of()), ns -> NamespaceFacts.ABSENT))
        .isInstanceOf(InjectionDecision.Skip.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kube-system", "kube-public", "osm-system"})
  void systemAndControlPlaneNamespacesAreNeverInjected(String namespace) throws Exception {
    assertThat(policy.decide(pod(namespace, Map.of(InjectionAnnotation.NAME, "enabled")), namespace("enabled")))
        .isInstanceOf(Skip.class);
  }

  @Test
  void hostNetworkPodsAreSkipped() throws Exception {
    AdmittedPod pod = pod("bookstore", Map.of(InjectionAnnotation.NAME, "enabled"));
    pod.json().getAsJsonObject("spec").addProperty("hostNetwork", true);

    assertThat(policy.decide(pod, namespace("enabled")).reason()).isEqualTo("the pod uses the host's network");
  }

  @Test
  void aPodInjectedBeforeIsNotInjectedAgain() throws Exception {
    AdmittedPod labelled = pod("bookstore", Map.of(InjectionAnnotation.NAME, "enabled"));
    JsonObject labels = new JsonObject();
    labels.addProperty("osm-proxy-uuid", "0b3c1c4e-0000-4000-8000-000000000000");
    labelled.json().getAsJsonObject("metadata").add("labels", labels);
    AdmittedPod withEnvoy = pod("bookstore", Map.of(InjectionAnnotation.NAME, "enabled"));
    withEnvoy.json().getAsJsonObject("spec").getAsJsonArray("containers")
        .add(Pods.json("{\"name\": \"envoy\", \"image\": \"envoy\"}"));

    assertThat(policy.decide(labelled, namespace(null)).reason()).isEqualTo("the pod already has a sidecar");
    assertThat(policy.decide(withEnvoy, namespace(null)).reason()).isEqualTo("the pod already has a sidecar");
  }

  @Test
  void theDefaultAppliesWithoutAnyAnnotation() throws Exception {
    InjectionPolicy injectByDefault = new InjectionPolicy("osm-system", true);

    assertThat(injectByDefault.decide(pod("bookstore", Map.of()), namespace(null))).isInstanceOf(Inject.class);
    assertThat(injectByDefault.decide(pod("kube-system", Map.of()), namespace(null))).isInstanceOf(Skip.class);
  }
}

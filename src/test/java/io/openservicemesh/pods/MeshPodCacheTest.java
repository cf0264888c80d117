package io.openservicemesh.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshPodCacheTest {

  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @Test
  void aCachedPodKeepsWhatThePodCheckAndASelectorReadAndNothingElse() {
    V1Pod pod = new V1Pod()
        .metadata(new V1ObjectMeta().name("bookstore-1").namespace("bookstore").uid("u-1").resourceVersion("42")
            .deletionTimestamp(OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC))
            .labels(Map.of("osm-proxy-uuid", "9c2b", "app", "bookstore", "pod-template-hash", "abc"))
            .annotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{...}")))
        .spec(new V1PodSpec().serviceAccountName("bookstore").containers(List.of(new V1Container().name("app")
            .image("bookstore:v1").env(List.of(new V1EnvVar().name("A").value("b"))))))
        .status(new V1PodStatus().phase("Running").podIP("10.0.0.7"));

    V1Pod kept = MeshPodCache.trimmed(pod);

    assertThat(kept.getMetadata().getName()).isEqualTo("bookstore-1");
    assertThat(kept.getMetadata().getNamespace()).isEqualTo("bookstore");
    assertThat(kept.getMetadata().getLabels()).as("what a Service's selector matches")
        .isEqualTo(pod.getMetadata().getLabels());
    assertThat(kept.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(kept.getSpec().getServiceAccountName()).isEqualTo("bookstore");
    assertThat(kept.getSpec().getContainers()).isNullOrEmpty();
    assertThat(kept.getStatus().getPhase()).isEqualTo("Running");
    assertThat(kept.getStatus().getPodIP()).isNull();
    assertThat(kept.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(kept.getMetadata().getDeletionTimestamp()).isEqualTo(pod.getMetadata().getDeletionTimestamp());
  }
}

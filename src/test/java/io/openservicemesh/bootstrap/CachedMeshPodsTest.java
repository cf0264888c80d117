package io.openservicemesh.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.openservicemesh.pods.MeshPodCache;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The upkeep reads the pod cache once it is complete, and lists pods from the API server only before. */
class CachedMeshPodsTest {

  private static final UUID PROXY = UUID.fromString("9c2b6f7e-1d3a-4c5b-8e9f-0a1b2c3d4e5f");
  private final AtomicInteger listings = new AtomicInteger();
  private final MeshPods listed = () -> {
    listings.incrementAndGet();
    return List.of(new MeshPod("listed", "pod-0", "u-0", PROXY, "default", false));
  };

  @Test
  void aCompleteCacheAnswersWithoutAListing() throws Exception {
    V1Pod meshed = pod("bookstore-1", PROXY.toString());
    V1Pod notOurs = pod("other-1", "not-a-uuid");
    var pods = new CachedMeshPods(() -> Optional.of(List.of(meshed, notOurs)), listed).list();

    assertThat(pods).containsExactly(new MeshPod("bookstore", "bookstore-1", "u-bookstore-1", PROXY, "bookstore",
        false));
    assertThat(listings).hasValue(0);
  }

  @Test
  void anIncompleteCacheFallsBackToTheApiServersList() throws Exception {
    var pods = new CachedMeshPods(Optional::empty, listed).list();

    assertThat(pods).extracting(MeshPod::namespace).containsExactly("listed");
    assertThat(listings).hasValue(1);
  }

  @Test
  void theCachesTrimmedPodReadsAsTheFullOne() {
    V1Pod finished = pod("bookstore-2", PROXY.toString()).status(new V1PodStatus().phase("Succeeded"));
    V1Pod deleted = pod("bookstore-3", PROXY.toString());
    deleted.getMetadata().deletionTimestamp(OffsetDateTime.parse("2026-12-05T00:00:00Z"));
    for (V1Pod full : List.of(pod("bookstore-1", PROXY.toString()), finished, deleted)) {
      assertThat(KubernetesMeshPods.meshPod(MeshPodCache.trimmed(full))).isEqualTo(KubernetesMeshPods.meshPod(full));
    }
    assertThat(KubernetesMeshPods.meshPod(MeshPodCache.trimmed(finished)).orElseThrow().finished()).isTrue();
  }

  private static V1Pod pod(String name, String proxyLabel) {
    return new V1Pod()
        .metadata(new V1ObjectMeta().name(name).namespace("bookstore").uid("u-" + name)
            .labels(Map.of("osm-proxy-uuid", proxyLabel)))
        .spec(new V1PodSpec().serviceAccountName("bookstore"));
  }
}

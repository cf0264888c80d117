package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.openservicemesh.pods.MeshPodCache;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A pod that finished, or whose deletion deadline passed, gets no certificates; a draining one still does. */
class ProxyPodVerifierTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static V1Pod pod(String phase, Instant deletionDeadline) {
    V1ObjectMeta metadata = new V1ObjectMeta().name("bookstore-1");
    if (deletionDeadline != null) {
      metadata.deletionTimestamp(OffsetDateTime.ofInstant(deletionDeadline, ZoneOffset.UTC));
    }
    return new V1Pod().metadata(metadata).status(new V1PodStatus().phase(phase));
  }

  @Test
  void aRunningOrPendingPodLives() {
    assertThat(ProxyPodVerifier.whyGone(pod("Running", null), NOW)).isEmpty();
    assertThat(ProxyPodVerifier.whyGone(pod("Pending", null), NOW)).isEmpty();
    assertThat(ProxyPodVerifier.whyGone(new V1Pod(), NOW)).isEmpty();
  }

  @Test
  void aFinishedPodIsGone() {
    assertThat(ProxyPodVerifier.whyGone(pod("Succeeded", null), NOW)).hasValue("has finished (phase Succeeded)");
    assertThat(ProxyPodVerifier.whyGone(pod("Failed", null), NOW)).hasValue("has finished (phase Failed)");
  }

  @Test
  void aDeletedPodDrainsUntilItsDeadlineAndIsGoneFromIt() {
    assertThat(ProxyPodVerifier.whyGone(pod("Running", NOW.plusSeconds(1)), NOW)).isEmpty();
    assertThat(ProxyPodVerifier.whyGone(pod("Running", NOW), NOW))
        .hasValue("was deleted and its grace period ended at " + NOW);
  }

  @Test
  void theCachesTrimmedPodIsJudgedAsTheFullOne() {
    for (V1Pod full : new V1Pod[] {pod("Running", null), pod("Failed", null), pod("Running", NOW)}) {
      full.getMetadata().namespace("bookstore");
      assertThat(ProxyPodVerifier.whyGone(MeshPodCache.trimmed(full), NOW))
          .isEqualTo(ProxyPodVerifier.whyGone(full, NOW));
    }
  }
}

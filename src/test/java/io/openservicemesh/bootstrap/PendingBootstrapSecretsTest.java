package io.openservicemesh.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.bootstrap.PendingBootstrapSecrets.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PendingBootstrapSecretsTest {

  private static final Instant CREATED = Instant.parse("2026-12-03T10:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(10);

  private final PendingBootstrapSecrets pending = new PendingBootstrapSecrets();
  private final UUID proxy = UUID.randomUUID();
  private final String key = MeshPod.key("bookstore", proxy);
  private final StoredBootstrapSecret secret = new StoredBootstrapSecret("bookstore",
      BootstrapSecrets.nameOf(proxy), "secret-uid", "1", Optional.empty(), Map.of());
  private final MeshPod pod = new MeshPod("bookstore", "bookstore-v1-abc", "pod-uid", proxy, "bookstore-v1", false);

  @Test
  void aSecretWhosePodAppearedIsHandedOverToIt() {
    pending.created(secret, key, CREATED);

    assertThat(pending.decide(Map.of(key, pod), CREATED.plusSeconds(30), GRACE))
        .singleElement().isInstanceOfSatisfying(Outcome.HandOver.class, handOver -> {
          assertThat(handOver.pod()).isEqualTo(pod);
          assertThat(handOver.pending().secret()).isEqualTo(secret);
        });
    assertThat(pending.isEmpty()).isTrue();
  }

  @Test
  void aSecretWithoutItsPodWaitsOutTheGracePeriodThenIsDeleted() {
    pending.created(secret, key, CREATED);

    assertThat(pending.decide(Map.of(), CREATED.plus(GRACE).minusSeconds(1), GRACE)).isEmpty();
    assertThat(pending.decide(Map.of(), CREATED.plus(GRACE), GRACE))
        .singleElement().isInstanceOf(Outcome.Delete.class);
    assertThat(pending.isEmpty()).isTrue();
  }

  @Test
  void aPodInAnotherNamespaceUnderTheSameUuidIsNotItsPod() {
    pending.created(secret, key, CREATED);
    MeshPod elsewhere = new MeshPod("other", "x", "uid", proxy, "bookstore-v1", false);

    assertThat(pending.decide(Map.of(elsewhere.key(), elsewhere), CREATED.plus(GRACE), GRACE))
        .singleElement().isInstanceOf(Outcome.Delete.class);
  }

  @Test
  void aFailedSettlementIsDecidedAgainNextTime() {
    pending.created(secret, key, CREATED);
    Outcome first = pending.decide(Map.of(), CREATED.plus(GRACE), GRACE).get(0);

    pending.retry(first.pending());

    assertThat(pending.keys()).containsExactly(key);
    assertThat(pending.decide(Map.of(), CREATED.plus(GRACE), GRACE)).hasSize(1);
  }
}

package io.openservicemesh.bootstrap;

import io.openservicemesh.bootstrap.OrphanedBootstrapSecrets;
import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.bootstrap.OrphanedBootstrapSecrets.BootstrapSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanedBootstrapSecretsTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(10);

  private static BootstrapSecret secret(String namespace, String uuid, Duration age) {
    return new BootstrapSecret(namespace, "envoy-bootstrap-config-" + uuid, "uid-" + uuid, uuid, NOW.minus(age));
  }

  @Test
  void aSecretWithoutAPodIsAnOrphanOnceOlderThanTheGracePeriod() {
    BootstrapSecret old = secret("bookstore", "a", GRACE);
    BootstrapSecret young = secret("bookstore", "b", GRACE.minusMillis(1));

    assertThat(OrphanedBootstrapSecrets.select(List.of(old, young), Set.of(), NOW, GRACE)).containsExactly(old);
  }

  @Test
  void aSecretWhosePodLivesIsKeptHoweverOld() {
    BootstrapSecret secret = secret("bookstore", "a", Duration.ofDays(400));

    assertThat(OrphanedBootstrapSecrets.select(List.of(secret), Set.of("bookstore/a"), NOW, GRACE)).isEmpty();
  }

  @Test
  void aPodInAnotherNamespaceDoesNotKeepTheSecret() {
    BootstrapSecret secret = secret("bookstore", "a", Duration.ofHours(1));

    assertThat(OrphanedBootstrapSecrets.select(List.of(secret), Set.of("bookbuyer/a"), NOW, GRACE))
        .containsExactly(secret);
  }
}

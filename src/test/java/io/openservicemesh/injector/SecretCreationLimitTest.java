package io.openservicemesh.injector;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A burst per namespace, then a steady rate; one namespace's flood does not spend another's budget. */
class SecretCreationLimitTest {

  private final MutableClock clock = MutableClock.at("2026-12-01T00:00:00Z");
  private final SecretCreationLimit limit = new SecretCreationLimit(3, 2, clock);

  @Test
  void theBurstIsGrantedThenTheRate() {
    assertThat(limit.tryAcquire("bookstore")).isTrue();
    assertThat(limit.tryAcquire("bookstore")).isTrue();
    assertThat(limit.tryAcquire("bookstore")).isTrue();
    assertThat(limit.tryAcquire("bookstore")).isFalse();

    clock.advance(Duration.ofMillis(499));
    assertThat(limit.tryAcquire("bookstore")).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(limit.tryAcquire("bookstore")).isTrue();
    assertThat(limit.tryAcquire("bookstore")).isFalse();
  }

  @Test
  void namespacesHaveTheirOwnBudgets() {
    for (int i = 0; i < 3; i++) {
      limit.tryAcquire("flooded");
    }

    assertThat(limit.tryAcquire("flooded")).isFalse();
    assertThat(limit.tryAcquire("bookstore")).isTrue();
  }

  @Test
  void anIdleNamespaceRefillsToTheBurstAndNoMore() {
    for (int i = 0; i < 3; i++) {
      limit.tryAcquire("bookstore");
    }
    clock.advance(Duration.ofHours(1));

    int granted = 0;
    while (limit.tryAcquire("bookstore")) {
      granted++;
    }
    assertThat(granted).isEqualTo(3);
  }
}

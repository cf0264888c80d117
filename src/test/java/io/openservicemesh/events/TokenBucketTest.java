package io.openservicemesh.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

  @Test
  void aFullBucketGivesItsCapacityThenOnePerRefill() {
    TokenBucket bucket = new TokenBucket(clock, 3, Duration.ofSeconds(2));

    int first = takeAll(bucket);
    clock.advance(Duration.ofSeconds(1));
    boolean afterHalfARefill = bucket.tryTake();
    clock.advance(Duration.ofSeconds(1));
    boolean afterARefill = bucket.tryTake();

    assertThat(first).isEqualTo(3);
    assertThat(afterHalfARefill).isFalse();
    assertThat(afterARefill).isTrue();
  }

  @Test
  void aLongQuietTimeRefillsNoMoreThanTheCapacity() {
    TokenBucket bucket = new TokenBucket(clock, 3, Duration.ofSeconds(2));
    takeAll(bucket);

    clock.advance(Duration.ofHours(1));

    assertThat(takeAll(bucket)).isEqualTo(3);
  }

  @Test
  void aBucketThatCouldNeverGiveIsRefused() {
    assertThatThrownBy(() -> new TokenBucket(clock, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
  }

  private static int takeAll(TokenBucket bucket) {
    int taken = 0;
    while (bucket.tryTake()) {
      taken++;
    }
    return taken;
  }
}

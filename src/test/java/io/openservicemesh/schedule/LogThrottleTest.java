package io.openservicemesh.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  private final AtomicLong ticks = new AtomicLong();
  private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), 2, ticks::get);

  @Test
  void letsAFewThroughPerWindowAndCountsTheRestForTheNextOne() {
    assertThat(throttle.permit()).isZero();
    assertThat(throttle.permit()).isZero();
    assertThat(throttle.permit()).isEqualTo(-1);
    assertThat(throttle.permit()).isEqualTo(-1);

    ticks.addAndGet(Duration.ofSeconds(10).toNanos());

    assertThat(throttle.permit()).isEqualTo(2);
    assertThat(throttle.permit()).isZero();
  }

  @Test
  void mentionsSuppressedMessagesOnlyWhenThereWereSome() {
    assertThat(LogThrottle.suppressedNote(0)).isEmpty();
    assertThat(LogThrottle.suppressedNote(3)).isEqualTo(" (3 similar messages suppressed before this one)");
  }
}

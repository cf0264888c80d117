package io.openservicemesh.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real sleeper, observed only where it does not actually wait. */
class SleeperTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aWaitOfNothingOrLessReturnsAtOnce() throws Exception {
    Sleeper.REAL.sleep(Duration.ZERO);
    Sleeper.REAL.sleep(Duration.ofSeconds(-5));
  }

  @Test
  void anInterruptedThreadDoesNotWaitAndHasItsFlagCleared() {
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> Sleeper.REAL.sleep(Duration.ofMinutes(10))).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aWaitTooLongForNanosecondsIsStillAnInterruptibleWait() {
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> Sleeper.REAL.sleep(ChronoUnit.MILLENNIA.getDuration()))
        .isInstanceOf(InterruptedException.class);
  }
}

package io.openservicemesh.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimerLivenessCheckTest {

  @Test
  void toleratesAMinuteOrThreeMissedPassesWhicheverIsLonger() {
    assertThat(TimerLivenessCheck.toleratedSilence(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(60));
    assertThat(TimerLivenessCheck.toleratedSilence(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(60));
    assertThat(TimerLivenessCheck.toleratedSilence(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(15));
  }
}

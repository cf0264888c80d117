package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenScheduleTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void renewsAfterTwoThirdsOfTheLease() {
    assertThat(TokenSchedule.renewAt(T0, T0.plus(Duration.ofHours(1)))).isEqualTo(T0.plus(Duration.ofMinutes(40)));
    assertThat(TokenSchedule.renewAt(T0, T0.plusSeconds(60))).isEqualTo(T0.plusSeconds(40));
  }

  @Test
  void keepsSubSecondPrecisionForShortLeases() {
    assertThat(TokenSchedule.renewAt(T0, T0.plusSeconds(1))).isEqualTo(T0.plusMillis(666).plusNanos(666_666));
  }

  @Test
  void aLeaseThatIsAlreadyOverIsDueNow() {
    assertThat(TokenSchedule.renewAt(T0, T0)).isEqualTo(T0);
    assertThat(TokenSchedule.renewAt(T0, T0.minusSeconds(5))).isEqualTo(T0);
  }
}

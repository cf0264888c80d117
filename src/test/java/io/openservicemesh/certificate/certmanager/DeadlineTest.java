package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTest {

  @Test
  void countsDownOnTheMonotonicClockAndNeverBelowZero() {
    AtomicLong nanos = new AtomicLong(-5_000_000_000L);
    Deadline deadline = Deadline.after(Duration.ofSeconds(15), nanos::get);

    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(deadline.remaining()).isEqualTo(Duration.ofSeconds(5));
    assertThat(deadline.elapsed()).isEqualTo(Duration.ofSeconds(10));
    assertThat(deadline.expired()).isFalse();

    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(deadline.expired()).isTrue();
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(deadline.remaining()).isEqualTo(Duration.ZERO);
    assertThat(deadline.budget()).isEqualTo(Duration.ofSeconds(15));
  }
}

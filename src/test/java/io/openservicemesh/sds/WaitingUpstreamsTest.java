package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A service without identities is looked at again with backoff until it has some. */
class WaitingUpstreamsTest {

  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private final WaitingUpstreams waiting = new WaitingUpstreams();
  private final WaitingUpstreams.Service bookstore = new WaitingUpstreams.Service("bookstore", "bookstore");

  @Test
  void theFirstLookComesAfterFiveSecondsAndTheNextOnesLater() {
    waiting.noIdentityYet(bookstore, T0);

    assertThat(waiting.due(T0.plusSeconds(4))).isEmpty();
    assertThat(waiting.due(T0.plusSeconds(5))).containsExactly(bookstore);

    waiting.stillWaiting(bookstore, T0.plusSeconds(5));
    assertThat(waiting.due(T0.plusSeconds(14))).isEmpty();
    assertThat(waiting.due(T0.plusSeconds(15))).containsExactly(bookstore);
  }

  @Test
  void theWaitIsCappedAtTwoMinutes() {
    waiting.noIdentityYet(bookstore, T0);
    for (int look = 0; look < 20; look++) {
      waiting.stillWaiting(bookstore, T0);
    }

    assertThat(waiting.due(T0.plus(Duration.ofMinutes(2)).minusMillis(1))).isEmpty();
    assertThat(waiting.due(T0.plus(Duration.ofMinutes(2)))).containsExactly(bookstore);
  }

  @Test
  void askingAgainDoesNotPostponeAndAResolvedServiceIsForgotten() {
    waiting.noIdentityYet(bookstore, T0);
    waiting.noIdentityYet(bookstore, T0.plusSeconds(4));
    assertThat(waiting.due(T0.plusSeconds(5))).containsExactly(bookstore);

    waiting.resolved(bookstore);

    assertThat(waiting.due(T0.plus(Duration.ofDays(1)))).isEmpty();
    assertThat(waiting.size()).isZero();
  }
}

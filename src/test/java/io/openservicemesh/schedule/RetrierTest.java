package io.openservicemesh.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

  private final List<Duration> waits = new ArrayList<>();
  /** Backoff ceilings 100, 200, 400, 800 ms, then 1 s; jitter 0.5 gives waits of 3/4 of the ceiling. */
  private final Retrier retrier =
      new Retrier(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> 0.5, waits::add);

  private final AtomicInteger attempts = new AtomicInteger();

  /** Fails with the given failures in order, then answers "ok"; counts its attempts. */
  private Retrier.Attempt<String, IOException> failing(IOException... failures) {
    Deque<IOException> left = new ArrayDeque<>(List.of(failures));
    return () -> {
      attempts.incrementAndGet();
      if (!left.isEmpty()) {
        throw left.poll();
      }
      return "ok";
    };
  }

  /** Retries every failure after the backoff as it is. */
  private static final RetryRule<IOException> ALWAYS = (failure, failures, backoff) -> backoff;

  @Test
  void aFirstSuccessIsReturnedWithoutWaitingOrAskingTheRule() throws Exception {
    RetryRule<IOException> neverAsked = (failure, failures, backoff) -> {
      throw new AssertionError("no failure, so no rule");
    };

    assertThat(retrier.run(failing(), neverAsked)).isEqualTo("ok");

    assertThat(attempts).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void failuresAreRetriedAfterAGrowingJitteredBackoff() throws Exception {
    String result = retrier.run(failing(new IOException("1"), new IOException("2"), new IOException("3"),
        new IOException("4"), new IOException("5")), ALWAYS);

    assertThat(result).isEqualTo("ok");
    assertThat(waits).containsExactly(Duration.ofMillis(75), Duration.ofMillis(150), Duration.ofMillis(300),
        Duration.ofMillis(600), Duration.ofMillis(750));
  }

  @Test
  void theRuleIsToldEachFailureAndHowManyThereWere() throws Exception {
    List<String> seen = new ArrayList<>();
    RetryRule<IOException> recording = (failure, failures, backoff) -> {
      seen.add(failures + ":" + failure.getMessage() + ":" + backoff.toMillis());
      return backoff;
    };

    retrier.run(failing(new IOException("refused"), new IOException("reset")), recording);

    assertThat(seen).containsExactly("1:refused:75", "2:reset:150");
  }

  @Test
  void theRuleDecidesHowLongToWait() throws Exception {
    RetryRule<IOException> atLeastOneSecond =
        (failure, failures, backoff) -> backoff.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : backoff;

    retrier.run(failing(new IOException("throttled")), atLeastOneSecond);

    assertThat(waits).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void whatTheRuleThrowsEndsTheRetriesAndReachesTheCaller() {
    IOException refused = new IOException("refused");
    RetryRule<IOException> giveUpAfterTwo = (failure, failures, backoff) -> {
      if (failures >= 2) {
        throw new IOException(failure.getMessage() + " (gave up after " + failures + " attempts)", failure);
      }
      return backoff;
    };

    assertThatThrownBy(() -> retrier.run(failing(new IOException("reset"), refused, new IOException("late")),
        giveUpAfterTwo))
        .isInstanceOf(IOException.class)
        .hasMessage("refused (gave up after 2 attempts)")
        .hasCause(refused);
    assertThat(attempts).hasValue(2);
    assertThat(waits).containsExactly(Duration.ofMillis(75));
  }

  @Test
  void aFailureTheRuleRethrowsIsThrownAsItIs() {
    IOException denied = new IOException("denied");
    RetryRule<IOException> never = (failure, failures, backoff) -> {
      throw failure;
    };

    assertThatThrownBy(() -> retrier.run(failing(denied), never)).isSameAs(denied);
    assertThat(attempts).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void anUncheckedExceptionIsABugAndLeavesAtOnce() {
    IllegalStateException bug = new IllegalStateException("bug");
    Retrier.Attempt<String, IOException> broken = () -> {
      attempts.incrementAndGet();
      throw bug;
    };

    assertThatThrownBy(() -> retrier.run(broken, ALWAYS)).isSameAs(bug);
    assertThat(attempts).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void anInterruptedWaitEndsTheRetriesWithTheInterruption() {
    InterruptedException interruption = new InterruptedException("shutting down");
    Retrier interrupted = new Retrier(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> 0.5,
        wait -> {
          throw interruption;
        });

    assertThatThrownBy(() -> interrupted.run(failing(new IOException("reset"), new IOException("reset")), ALWAYS))
        .isSameAs(interruption);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aRuleThatNamesNoWaitIsABug() {
    RetryRule<IOException> noWait = (failure, failures, backoff) -> null;

    assertThatThrownBy(() -> retrier.run(failing(new IOException("reset")), noWait))
        .isInstanceOf(NullPointerException.class);
    assertThat(waits).isEmpty();
  }

  @Test
  void loopsOfTheirOwnUseTheSameBackoffAndSleeper() throws Exception {
    assertThat(retrier.backoff(0)).isEqualTo(Duration.ofMillis(75));
    assertThat(retrier.backoff(3)).isEqualTo(Duration.ofMillis(600));

    retrier.sleep(Duration.ofMillis(42));

    assertThat(waits).containsExactly(Duration.ofMillis(42));
  }

  @Test
  void theJitterIsDrawnForEachRetry() throws Exception {
    Deque<Double> draws = new ArrayDeque<>(List.of(0.0, 0.5, 0.9));
    Retrier jittered = new Retrier(new Backoff(Duration.ofMillis(100), Duration.ofMillis(100)), draws::poll,
        waits::add);

    jittered.run(failing(new IOException("1"), new IOException("2"), new IOException("3")), ALWAYS);

    assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(75), Duration.ofMillis(95));
    assertThat(draws).isEmpty();
  }
}

package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.ApiException;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.schedule.Retrier;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ApiRetryTest {

  private final AtomicLong nanos = new AtomicLong();
  private final List<Duration> waits = new ArrayList<>();
  /** Backoff ceilings 100, 200, 400 ms...; jitter 0.5 gives waits of 3/4 of the ceiling. */
  private final ApiRetry retry = new ApiRetry(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)),
      () -> 0.5, wait -> {
        waits.add(wait);
        nanos.addAndGet(wait.toNanos());
      });

  private Deadline deadline(Duration budget) {
    return Deadline.after(budget, nanos::get);
  }

  private static ApiException status(int code) {
    return new ApiException("HTTP " + code, code, Map.of(), "{\"kind\":\"Status\",\"code\":" + code + "}");
  }

  /** Answers with the failures in order, then "ok". */
  private static Retrier.Attempt<String, ApiException> failing(ApiException... failures) {
    Deque<ApiException> left = new ArrayDeque<>(List.of(failures));
    return () -> {
      if (!left.isEmpty()) {
        throw left.poll();
      }
      return "ok";
    };
  }

  @Test
  void transientFailuresAreRetriedWithGrowingWaits() throws Exception {
    String result = retry.call(deadline(Duration.ofSeconds(15)), ApiRetry.TRANSIENT,
        failing(status(503), new ApiException(new IOException("connection reset")), status(500), status(429)));

    assertThat(result).isEqualTo("ok");
    assertThat(waits).containsExactly(
        Duration.ofMillis(75), Duration.ofMillis(150), Duration.ofMillis(300), Duration.ofMillis(600));
  }

  @Test
  void requestsTheServerRefusesAsWrittenAreNotRetried() {
    for (int code : new int[] {400, 403, 404, 422}) {
      assertThatThrownBy(() -> retry.call(deadline(Duration.ofSeconds(15)), ApiRetry.TRANSIENT, failing(status(code))))
          .isInstanceOf(ApiException.class)
          .extracting(e -> ((ApiException) e).getCode()).isEqualTo(code);
    }
    assertThat(waits).isEmpty();
  }

  @Test
  void aTakenGeneratedNameIsRetriedOnlyWhereAsked() throws Exception {
    assertThatThrownBy(() -> retry.call(deadline(Duration.ofSeconds(15)), ApiRetry.TRANSIENT, failing(status(409))))
        .isInstanceOf(ApiException.class);

    assertThat(retry.call(deadline(Duration.ofSeconds(15)), ApiRetry.TRANSIENT_OR_NAME_TAKEN, failing(status(409))))
        .isEqualTo("ok");
  }

  @Test
  void givesUpWithTheLastFailureWhenTheNextWaitWouldPassTheDeadline() {
    assertThatThrownBy(() -> retry.call(deadline(Duration.ofMillis(200)), ApiRetry.TRANSIENT,
        failing(status(503), status(503), status(502))))
        .isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).getCode()).isEqualTo(503);
    assertThat(waits).containsExactly(Duration.ofMillis(75));
  }

  @Test
  void retryAfterOfAnOverloadedServerIsHonoured() throws Exception {
    ApiException throttled =
        new ApiException("Too Many Requests", 429, Map.of("Retry-After", List.of("2")), "{}");

    retry.call(deadline(Duration.ofSeconds(15)), ApiRetry.TRANSIENT, failing(throttled));

    assertThat(waits).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void retryAfterIsReadCaseInsensitivelyAndIgnoredWhenNotSeconds() {
    assertThat(ApiRetry.retryAfter(Map.of("retry-after", List.of("1")))).isEqualTo(Duration.ofSeconds(1));
    assertThat(ApiRetry.retryAfter(Map.of("Retry-After", List.of("Wed, 21 Oct 2026 07:28:00 GMT"))))
        .isEqualTo(Duration.ZERO);
    assertThat(ApiRetry.retryAfter(null)).isEqualTo(Duration.ZERO);
  }
}

package io.openservicemesh.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NamespaceAnnotationsTest {

  private static final String START = "2026-01-01T00:00:00Z";

  @Test
  void readsAreKeptForTheTimeToLive() throws Exception {
    MutableClock clock = MutableClock.at(START);
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<String> value = new AtomicReference<>("enabled");
    NamespaceAnnotations cache = new NamespaceAnnotations(ns -> {
      reads.incrementAndGet();
      return Map.of(InjectionAnnotation.NAME, value.get());
    }, clock, Duration.ofSeconds(5));

    assertThat(cache.get("bookstore")).containsEntry(InjectionAnnotation.NAME, "enabled");
    value.set("disabled");
    clock.advance(Duration.ofMillis(4_999));
    assertThat(cache.get("bookstore")).containsEntry(InjectionAnnotation.NAME, "enabled");
    assertThat(reads).hasValue(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.get("bookstore")).containsEntry(InjectionAnnotation.NAME, "disabled");
    assertThat(reads).hasValue(2);
  }

  @Test
  void failuresAreNotCached() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    NamespaceAnnotations cache = new NamespaceAnnotations(ns -> {
      if (reads.incrementAndGet() == 1) {
        throw new InjectionException("API down");
      }
      return Map.of();
    }, MutableClock.at(START), Duration.ofSeconds(5));

    assertThatThrownBy(() -> cache.get("bookstore")).hasMessage("API down");
    assertThat(cache.get("bookstore")).isEmpty();
  }

  @Test
  void concurrentCallersShareOneRead() throws Exception {
    CountDownLatch readStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    NamespaceAnnotations cache = new NamespaceAnnotations(ns -> {
      reads.incrementAndGet();
      readStarted.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return Map.of("k", "v");
    }, MutableClock.at(START), Duration.ofSeconds(5));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Map<String, String>>> results = new ArrayList<>();
      results.add(pool.submit(() -> cache.get("bookstore")));
      assertThat(readStarted.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 7; i++) {
        results.add(pool.submit(() -> cache.get("bookstore")));
      }
      release.countDown();
      for (Future<Map<String, String>> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).containsEntry("k", "v");
      }
      assertThat(reads).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }
}

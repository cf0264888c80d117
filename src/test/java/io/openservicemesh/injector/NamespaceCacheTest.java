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

class NamespaceCacheTest {

  private static final String START = "2026-01-01T00:00:00Z";

  private static NamespaceFacts annotated(String key, String value) {
    return new NamespaceFacts(Map.of(NamespaceFacts.MONITORED_BY, "osm"), Map.of(key, value));
  }

  @Test
  void readsAreKeptForTheTimeToLive() throws Exception {
    MutableClock clock = MutableClock.at(START);
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<String> value = new AtomicReference<>("enabled");
    NamespaceCache cache = new NamespaceCache(ns -> {
      reads.incrementAndGet();
      return annotated(InjectionAnnotation.NAME, value.get());
    }, clock, Duration.ofSeconds(5));

    assertThat(cache.get("bookstore").annotations()).containsEntry(InjectionAnnotation.NAME, "enabled");
    value.set("disabled");
    clock.advance(Duration.ofMillis(4_999));
    assertThat(cache.get("bookstore").annotations()).containsEntry(InjectionAnnotation.NAME, "enabled");
    assertThat(reads).hasValue(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.get("bookstore").annotations()).containsEntry(InjectionAnnotation.NAME, "disabled");
    assertThat(reads).hasValue(2);
  }

  @Test
  void failuresAreNotCached() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    NamespaceCache cache = new NamespaceCache(ns -> {
      if (reads.incrementAndGet() == 1) {
        throw new InjectionException("API down");
      }
      return NamespaceFacts.ABSENT;
    }, MutableClock.at(START), Duration.ofSeconds(5));

    assertThatThrownBy(() -> cache.get("bookstore")).hasMessage("API down");
    assertThat(cache.get("bookstore")).isEqualTo(NamespaceFacts.ABSENT);
  }

  @Test
  void concurrentCallersShareOneRead() throws Exception {
    CountDownLatch readStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    NamespaceCache cache = new NamespaceCache(ns -> {
      reads.incrementAndGet();
      readStarted.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return annotated("k", "v");
    }, MutableClock.at(START), Duration.ofSeconds(5));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<NamespaceFacts>> results = new ArrayList<>();
      results.add(pool.submit(() -> cache.get("bookstore")));
      assertThat(readStarted.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 7; i++) {
        results.add(pool.submit(() -> cache.get("bookstore")));
      }
      release.countDown();
      for (Future<NamespaceFacts> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS).annotations()).containsEntry("k", "v");
      }
      assertThat(reads).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }
}

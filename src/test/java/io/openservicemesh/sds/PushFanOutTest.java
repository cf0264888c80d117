package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.testing.LogCapture;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushFanOutTest {

  private final LogCapture log = LogCapture.of("io.openservicemesh.sds");
  private final PushFanOut fanOut = new PushFanOut(2);

  @AfterEach
  void tearDown() {
    fanOut.close();
    log.close();
  }

  @Test
  void everyItemIsHandledExactlyOnce() {
    Integer[] items = IntStream.range(0, 5_000).boxed().toArray(Integer[]::new);
    AtomicIntegerArray handled = new AtomicIntegerArray(items.length);

    fanOut.forEach(items, i -> handled.incrementAndGet(i));

    assertThat(IntStream.range(0, items.length).map(handled::get)).containsOnly(1);
  }

  @Test
  void aLargePushRunsOnMoreThanOneThreadAndReturnsOnlyWhenAllAreDone() {
    Integer[] items = IntStream.range(0, PushFanOut.INLINE_BELOW * 4).boxed().toArray(Integer[]::new);
    ThreadsSeen seen = new ThreadsSeen();
    AtomicIntegerArray handled = new AtomicIntegerArray(items.length);

    fanOut.forEach(items, i -> {
      seen.add(Thread.currentThread());
      if (i == 0) {
        // Whoever took the first item holds it until another thread has done one: work done on one thread
        // alone would never get past it.
        seen.awaitAnotherThan(Thread.currentThread());
      }
      handled.incrementAndGet(i);
    });

    assertThat(seen.count()).isGreaterThan(1);
    assertThat(IntStream.range(0, items.length).map(handled::get)).containsOnly(1);
  }

  @Test
  void aSmallPushStaysOnTheCallersThread() {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    fanOut.forEach(new Integer[] {1, 2, 3}, i -> threads.add(Thread.currentThread()));

    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void oneFailingItemStopsNoOther() {
    Integer[] items = IntStream.range(0, 1_000).boxed().toArray(Integer[]::new);
    AtomicIntegerArray handled = new AtomicIntegerArray(items.length);

    fanOut.forEach(items, i -> {
      if (i == 17) {
        throw new IllegalStateException("stream 17 broke");
      }
      handled.incrementAndGet(i);
    });

    assertThat(IntStream.range(0, items.length).filter(i -> i != 17).map(handled::get)).containsOnly(1);
    assertThat(log.warnings()).containsExactly("a push to one SDS stream failed; the others go on");
  }

  @Test
  void afterCloseTheCallerDoesEverything() {
    fanOut.close();
    Integer[] items = IntStream.range(0, 1_000).boxed().toArray(Integer[]::new);
    AtomicIntegerArray handled = new AtomicIntegerArray(items.length);

    fanOut.forEach(items, i -> handled.incrementAndGet(i));

    assertThat(IntStream.range(0, items.length).map(handled::get)).containsOnly(1);
  }

  @Test
  void parallelismBelowOneIsRefused() {
    assertThatThrownBy(() -> new PushFanOut(0)).hasMessageContaining("parallelism must be at least 1");
  }

  /** The threads that handled an item, and a bounded wait for a second one. */
  private static final class ThreadsSeen {
    private final Set<Thread> threads = new HashSet<>();

    synchronized void add(Thread thread) {
      threads.add(thread);
      notifyAll();
    }

    synchronized int count() {
      return threads.size();
    }

    synchronized void awaitAnotherThan(Thread thread) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      try {
        while (threads.stream().allMatch(thread::equals)) {
          long left = deadline - System.nanoTime();
          assertThat(left).as("another thread took part within 10 s").isPositive();
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}

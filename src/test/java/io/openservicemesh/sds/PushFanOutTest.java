package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushFanOutTest {

  private final CapturedLog log = new CapturedLog();
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
    Thread caller = Thread.currentThread();
    CountDownLatch helperWorked = new CountDownLatch(1);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    AtomicIntegerArray handled = new AtomicIntegerArray(items.length);

    fanOut.forEach(items, i -> {
      threads.add(Thread.currentThread());
      if (Thread.currentThread() != caller) {
        helperWorked.countDown();
      } else if (i == 0) {
        // Holds the caller's first item until a helper has done one: sequential work would never get past it.
        await(helperWorked);
      }
      handled.incrementAndGet(i);
    });

    assertThat(threads).hasSizeGreaterThan(1);
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

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("a helper thread took part").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

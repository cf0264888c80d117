package io.openservicemesh.sds;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one action over many streams on several threads. A push is CPU bound: each stream's response is built,
 * serialized and encrypted by the server's synchronous HTTP/2 write on the pushing thread. On one thread a push
 * to 10,000 streams of one identity took over 6 s on a 2-core machine while the other core idled
 * (docs/benchmarks.md); the caller plus {@code parallelism - 1} workers use every core.
 *
 * <p>Streams are taken one at a time from a shared counter, so a slow stream delays only its own thread. The
 * caller works too and returns once every stream is done, so a push never waits for a worker that is busy with
 * another push: a task that starts late finds nothing left and ends. Small sets run on the caller alone, where
 * a hand-over to another thread would cost more than it saves.
 */
final class PushFanOut implements AutoCloseable {

  /** Below this many streams the caller does the work alone. */
  static final int INLINE_BELOW = 128;

  private static final Logger LOG = Logger.getLogger(PushFanOut.class.getName());

  private final int parallelism;
  private final ThreadPoolExecutor workers;

  /** @param parallelism threads working on one push, the caller included: the number of cores */
  PushFanOut(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    this.parallelism = parallelism;
    int threads = Math.max(1, parallelism - 1);
    AtomicInteger number = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "sds-push-" + number.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    this.workers.allowCoreThreadTimeOut(true);
  }

  /** Applies the action to every item once, and returns when all are done. One failing item stops no other. */
  <T> void forEach(T[] items, Consumer<? super T> action) {
    if (parallelism == 1 || items.length < INLINE_BELOW) {
      for (T item : items) {
        applySafely(action, item);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(items.length);
    Runnable work = () -> {
      for (int i = next.getAndIncrement(); i < items.length; i = next.getAndIncrement()) {
        try {
          applySafely(action, items[i]);
        } finally {
          done.countDown();
        }
      }
    };
    for (int helper = 1; helper < parallelism; helper++) {
      try {
        workers.execute(work);
      } catch (RejectedExecutionException closed) {
        break; // shutting down: the caller does the rest
      }
    }
    work.run();
    awaitUninterruptibly(done);
  }

  @Override
  public void close() {
    workers.shutdown();
  }

  private static <T> void applySafely(Consumer<? super T> action, T item) {
    try {
      action.accept(item);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "a push to one SDS stream failed; the others go on", e);
    }
  }

  /** Items already taken finish on their threads; the caller may not return before they have. */
  private static void awaitUninterruptibly(CountDownLatch done) {
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

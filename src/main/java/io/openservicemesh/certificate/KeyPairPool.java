package io.openservicemesh.certificate;

import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviders;
import java.security.KeyPair;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * RSA key pairs made ahead of time, so that issuing on a request path (the injector's webhook, whose caller
 * waits at most a few seconds) does not pay for key generation: an RSA-2048 key costs 70-300 ms here, RSA-4096
 * several seconds, an EC key well under a millisecond. Each RSA size has a bounded queue refilled by one
 * background thread; a caller that finds it empty makes its own key rather than wait. Elliptic-curve keys are
 * always made on the spot: pooling them would only add a handoff.
 *
 * <p>Each key is handed out once and never kept after that; the pool holds at most {@code capacity} private
 * keys per size in memory, like any in-flight issuance.
 */
public final class KeyPairPool implements KeyPairSource, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KeyPairPool.class.getName());

  private final int capacity;
  private final Function<KeySpec, KeyPair> generator;
  private final ConcurrentMap<KeySpec, BlockingQueue<KeyPair>> pools = new ConcurrentHashMap<>();
  private final ConcurrentMap<KeySpec, AtomicBoolean> refilling = new ConcurrentHashMap<>();
  private final ExecutorService refiller;

  /** With BouncyCastle's key generation. */
  public KeyPairPool(int capacity) {
    this(capacity, CryptoProviders.BOUNCYCASTLE);
  }

  /** @param crypto the provider that makes the keys */
  public KeyPairPool(int capacity, CryptoProvider crypto) {
    this(capacity, crypto::generateKeyPair);
  }

  KeyPairPool(int capacity, Function<KeySpec, KeyPair> generator) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.generator = generator;
    // One low-priority thread: on a small machine the pool must not starve request threads of CPU.
    this.refiller = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "osm-key-pool");
      thread.setDaemon(true);
      thread.setPriority(Thread.MIN_PRIORITY);
      return thread;
    });
  }

  /** Starts filling the pool for a key spec before the first request needs it. */
  public void prefill(KeySpec spec) {
    if (pooled(spec)) {
      refill(spec);
    }
  }

  @Override
  public KeyPair next(KeySpec spec) {
    if (!pooled(spec)) {
      return generator.apply(spec);
    }
    KeyPair ready = queue(spec).poll();
    refill(spec);
    return ready != null ? ready : generator.apply(spec);
  }

  /** How many key pairs are ready for a spec. */
  public int available(KeySpec spec) {
    BlockingQueue<KeyPair> queue = pools.get(spec);
    return queue == null ? 0 : queue.size();
  }

  @Override
  public void close() {
    refiller.shutdownNow();
    pools.values().forEach(BlockingQueue::clear);
  }

  private static boolean pooled(KeySpec spec) {
    return spec.algorithm() == KeyAlgorithm.RSA;
  }

  private BlockingQueue<KeyPair> queue(KeySpec spec) {
    return pools.computeIfAbsent(spec, s -> new ArrayBlockingQueue<>(capacity));
  }

  /** At most one refill task per spec is queued at a time; it tops the pool up to capacity and ends. */
  private void refill(KeySpec spec) {
    AtomicBoolean running = refilling.computeIfAbsent(spec, s -> new AtomicBoolean());
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      refiller.execute(() -> {
        try {
          BlockingQueue<KeyPair> queue = queue(spec);
          while (queue.remainingCapacity() > 0 && !Thread.currentThread().isInterrupted()) {
            queue.offer(generator.apply(spec));
          }
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "cannot pre-generate " + spec + " keys; callers make their own", e);
        } finally {
          running.set(false);
        }
      });
    } catch (RejectedExecutionException closed) {
      running.set(false);
    }
  }
}

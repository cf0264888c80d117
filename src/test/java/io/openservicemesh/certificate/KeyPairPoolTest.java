package io.openservicemesh.certificate;

import io.openservicemesh.config.KeySpec;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyPairPoolTest {

  private static final KeySpec RSA = KeySpec.rsa(2048);
  private static final KeyPair TEMPLATE = KeyPairs.generate(KeySpec.ECDSA_P256);

  /** Distinct objects stand in for keys: the pool's logic does not look inside them. */
  private static KeyPair fresh() {
    return new KeyPair(TEMPLATE.getPublic(), TEMPLATE.getPrivate());
  }

  @Test
  void ellipticCurveKeysAreMadeOnTheSpot() {
    AtomicInteger made = new AtomicInteger();
    try (KeyPairPool pool = new KeyPairPool(4, spec -> {
      made.incrementAndGet();
      return fresh();
    })) {
      pool.prefill(KeySpec.ECDSA_P256);
      pool.next(KeySpec.ECDSA_P256);

      assertThat(made).hasValue(1);
      assertThat(pool.available(KeySpec.ECDSA_P256)).isZero();
    }
  }

  @Test
  void anEmptyPoolNeverMakesTheCallerWaitForTheBackgroundThread() throws Exception {
    CountDownLatch backgroundStarted = new CountDownLatch(1);
    CountDownLatch releaseBackground = new CountDownLatch(1);
    try (KeyPairPool pool = new KeyPairPool(4, spec -> {
      if (Thread.currentThread().getName().equals("osm-key-pool")) {
        backgroundStarted.countDown();
        try {
          releaseBackground.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return fresh();
    })) {
      pool.prefill(RSA);
      assertThat(backgroundStarted.await(10, TimeUnit.SECONDS)).isTrue();

      // The refill is stuck; the caller still gets a key, made on its own thread.
      assertThat(pool.next(RSA)).isNotNull();
      releaseBackground.countDown();
    }
  }

  @Test
  void prefilledKeysAreHandedOutOnceEach() throws Exception {
    CountDownLatch filled = new CountDownLatch(4);
    AtomicInteger made = new AtomicInteger();
    try (KeyPairPool pool = new KeyPairPool(4, spec -> {
      made.incrementAndGet();
      if (Thread.currentThread().getName().equals("osm-key-pool")) {
        filled.countDown();
      }
      return fresh();
    })) {
      pool.prefill(RSA);
      assertThat(filled.await(10, TimeUnit.SECONDS)).isTrue();

      Set<KeyPair> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
      for (int i = 0; i < 12; i++) {
        assertThat(handedOut.add(pool.next(RSA))).as("key %d is new", i).isTrue();
      }
      assertThat(made.get()).isGreaterThanOrEqualTo(12);
    }
  }

  @Test
  void realRsaKeysFromThePoolAreDistinct() throws Exception {
    try (KeyPairPool pool = new KeyPairPool(2)) {
      KeyPair first = pool.next(RSA);
      KeyPair second = pool.next(RSA);

      assertThat(first.getPublic().getAlgorithm()).isEqualTo("RSA");
      assertThat(first.getPublic()).isNotEqualTo(second.getPublic());
    }
  }
}

package io.openservicemesh.certificate.tresor;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaSecretKeeper.Finding;
import io.openservicemesh.certificate.tresor.TresorCaProvisionerTest.InMemoryStore;
import io.openservicemesh.testing.LogCapture;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The CA Secret keeps holding the root in use: written back when deleted, never overwritten when changed. */
class CaSecretKeeperTest {

  private final MutableClock clock = MutableClock.at("2026-12-01T00:00:00Z");
  private final CaBundle inUse = TestCa.fixedRoot();
  private final StoredCaBundle stored = CaBundleCodec.encode(inUse);
  private final InMemoryStore store = new InMemoryStore(stored);
  private final CaSecretKeeper keeper = new CaSecretKeeper(store, () -> inUse, clock);

  @Test
  void aDeletedSecretIsWrittenBackWithTheRootInUse() {
    store.replaceWith(null);

    try (LogCapture log = LogCapture.of(CaSecretKeeper.class)) {
      assertThat(keeper.check()).isEqualTo(Finding.WRITTEN_BACK);
      assertThat(log.warnings()).singleElement().satisfies(line -> assertThat(line).contains("was deleted"));
    }
    assertThat(store.content()).isEqualTo(stored);
    assertThat(keeper.check()).isEqualTo(Finding.IN_PLACE);
  }

  @Test
  void anotherRootIsSaidOnceAndLeftAlone() {
    StoredCaBundle other = CaBundleCodec.encode(TestCa.otherEcRoot());
    store.replaceWith(other);

    try (LogCapture log = LogCapture.of(CaSecretKeeper.class)) {
      assertThat(keeper.check()).isEqualTo(Finding.DIFFERENT);
      assertThat(keeper.check()).isEqualTo(Finding.DIFFERENT);
      assertThat(log.warnings()).singleElement().satisfies(line -> assertThat(line).contains("another root"));
    }
    assertThat(store.content()).isEqualTo(other);
  }

  @Test
  void aStaleExpirationIsNoChangeOfRoot() {
    store.replaceWith(new StoredCaBundle(stored.caCrt(), stored.privateKey(), "2000-01-01T00:00:00Z"));

    assertThat(keeper.check()).isEqualTo(Finding.IN_PLACE);
  }

  @Test
  void anUnreadableStoreIsReportedAndTriedAgain() {
    store.failingWith(new CaStoreException("HTTP 503 from the API server"));

    assertThat(keeper.check()).isEqualTo(Finding.UNREADABLE);
  }

  @Test
  void itLooksEveryThirtySecondsNotOnEveryTick() {
    int before = store.loads.get();
    keeper.run();
    clock.advance(CaSecretKeeper.CHECK_EVERY.minus(Duration.ofSeconds(1)));
    keeper.run();
    assertThat(store.loads.get()).isEqualTo(before);

    clock.advance(Duration.ofSeconds(1));
    keeper.run();
    assertThat(store.loads.get()).isEqualTo(before + 1);
  }
}

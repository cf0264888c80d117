package io.openservicemesh.certificate.tresor;

import io.openservicemesh.crypto.CryptoProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner.Outcome;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner.ProvisionedCa;
import io.openservicemesh.testing.LogCapture;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class TresorCaProvisionerTest {

  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SKEW = Duration.ofMinutes(1);

  private final MutableClock clock = MutableClock.atNowInWholeSeconds();

  /**
   * A thread-safe store in memory. {@code preempt} simulates another replica that stores its bundle
   * between this replica's load (which found nothing) and its create.
   */
  static final class InMemoryStore implements CaBundleStore {

    private StoredCaBundle content;
    private StoredCaBundle preempt;
    private CaStoreException failure;
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger creates = new AtomicInteger();

    InMemoryStore() {}

    InMemoryStore(StoredCaBundle content) {
      this.content = content;
    }

    synchronized InMemoryStore preemptedBy(StoredCaBundle winner) {
      this.preempt = winner;
      return this;
    }

    synchronized InMemoryStore failingWith(CaStoreException e) {
      this.failure = e;
      return this;
    }

    synchronized StoredCaBundle content() {
      return content;
    }

    /** Another hand deletes or replaces what the store holds. */
    synchronized void replaceWith(StoredCaBundle replacement) {
      content = replacement;
    }

    @Override
    public String location() {
      return "memory test-ns/osm-ca-bundle";
    }

    @Override
    public synchronized Optional<StoredCaBundle> load() throws CaStoreException {
      loads.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      return Optional.ofNullable(content);
    }

    @Override
    public synchronized StoredCaBundle createIfAbsent(StoredCaBundle bundle)
        throws CaStoreException {
      creates.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      if (content == null && preempt != null) {
        content = preempt;
      }
      if (content == null) {
        content = bundle;
      }
      return content;
    }
  }

  private TresorCaProvisioner provisioner(CaBundleStore store) {
    return new TresorCaProvisioner(store, KeySpec.ECDSA_P256, CA_VALIDITY, SKEW, clock);
  }

  /** Roots published elsewhere, as a running mesh's webhook caBundle holds them. */
  private static PublishedRoots published(Optional<String> roots) {
    return new PublishedRoots() {
      @Override
      public String where() {
        return "the caBundle of MutatingWebhookConfiguration osm-webhook-test-ns";
      }

      @Override
      public Optional<String> find() {
        return roots;
      }
    };
  }

  @Test
  void anEmptyStoreOverAnExistingMeshIsRefusedNotGivenANewRoot() {
    InMemoryStore store = new InMemoryStore();
    String existingRoot = Pem.encode(TestCa.fixedRoot().certificate());
    TresorCaProvisioner provisioner = new TresorCaProvisioner(
        store, KeySpec.ECDSA_P256, CA_VALIDITY, SKEW, clock, Optional.of(published(Optional.of(existingRoot))),
        CryptoProviders.BOUNCYCASTLE);

    assertThatThrownBy(provisioner::provision)
        .isInstanceOf(TresorCaProvisioner.ExistingMeshException.class)
        .hasMessageContaining("memory test-ns/osm-ca-bundle is missing, but this mesh has a root already")
        .hasMessageContaining("serial " + TestCa.fixedRoot().serialHex())
        .hasMessageContaining("Restore the Secret")
        .hasMessageContaining("delete that webhook configuration first");
    assertThat(store.creates).hasValue(0);
  }

  @Test
  void anEmptyStoreWhereNothingIsPublishedGetsANewRoot() throws Exception {
    InMemoryStore store = new InMemoryStore();
    TresorCaProvisioner provisioner = new TresorCaProvisioner(
        store, KeySpec.ECDSA_P256, CA_VALIDITY, SKEW, clock, Optional.of(published(Optional.empty())),
        CryptoProviders.BOUNCYCASTLE);

    assertThat(provisioner.provision().outcome()).isEqualTo(Outcome.CREATED);
  }

  @Test
  void emptyStoreGetsANewRoot() throws Exception {
    InMemoryStore store = new InMemoryStore();

    ProvisionedCa provisioned = provisioner(store).provision();

    assertThat(provisioned.outcome()).isEqualTo(Outcome.CREATED);
    CaBundle bundle = provisioned.bundle();
    assertThat(store.content()).isEqualTo(CaBundleCodec.encode(bundle));
    assertThat(store.creates).hasValue(1);
    assertThat(bundle.certificate().getSubjectX500Principal().getName())
        .contains("CN=" + RootCertificateFactory.ROOT_COMMON_NAME);
    assertThat(bundle.notAfter()).isEqualTo(clock.instant().plus(CA_VALIDITY));
    assertThat(bundle.certificate().getNotBefore().toInstant())
        .isEqualTo(clock.instant().minus(SKEW));
    assertThat(bundle.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void secondProvisionerLoadsTheStoredRootWithoutMakingOne() throws Exception {
    InMemoryStore store = new InMemoryStore();
    ProvisionedCa created = provisioner(store).provision();
    StoredCaBundle afterCreate = store.content();

    clock.advance(Duration.ofHours(5));
    ProvisionedCa loaded = provisioner(store).provision();

    assertThat(loaded.outcome()).isEqualTo(Outcome.LOADED);
    assertThat(loaded.bundle().serialHex()).isEqualTo(created.bundle().serialHex());
    assertThat(loaded.bundle().certificate()).isEqualTo(created.bundle().certificate());
    assertThat(loaded.bundle().privateKey().getEncoded())
        .isEqualTo(created.bundle().privateKey().getEncoded());
    assertThat(store.creates)
        .as("a loaded root is never made, let alone offered to the store")
        .hasValue(1);
    assertThat(store.content()).isSameAs(afterCreate);
  }

  @Test
  void storedOperatorRootIsLoadedAsIs() throws Exception {
    StoredCaBundle operators = CaBundleCodec.encode(TestCa.ecRoot());
    InMemoryStore store = new InMemoryStore(operators);

    ProvisionedCa provisioned = provisioner(store).provision();

    assertThat(provisioned.outcome()).isEqualTo(Outcome.LOADED);
    assertThat(provisioned.bundle().certificate()).isEqualTo(TestCa.ecRoot().certificate());
    assertThat(store.creates).hasValue(0);
    assertThat(store.content()).isSameAs(operators);
  }

  @Test
  void staleExpirationIsWarnedAboutButNotRewritten() throws Exception {
    StoredCaBundle good = CaBundleCodec.encode(TestCa.ecRoot());
    StoredCaBundle stale =
        new StoredCaBundle(good.caCrt(), good.privateKey(), "2000-01-01T00:00:00.000Z");
    InMemoryStore store = new InMemoryStore(stale);
    ProvisionedCa provisioned;
    List<LogRecord> records;
    try (LogCapture log = LogCapture.of(TresorCaProvisioner.class)) {
      provisioned = provisioner(store).provision();
      records = log.records();
    }

    assertThat(provisioned.outcome()).isEqualTo(Outcome.LOADED);
    assertThat(provisioned.bundle().notAfter()).isEqualTo(TestCa.ecRoot().notAfter());
    assertThat(store.content()).isSameAs(stale);
    assertThat(store.creates).hasValue(0);
    assertThat(records)
        .anySatisfy(
            r -> {
              assertThat(r.getLevel()).isEqualTo(Level.WARNING);
              assertThat(r.getMessage())
                  .contains(store.location())
                  .contains("2000-01-01T00:00:00.000Z")
                  .contains(TestCa.ecRoot().notAfter().toString());
            });
  }

  @Test
  void replicaThatLosesTheRaceUsesTheWinnersRoot() throws Exception {
    StoredCaBundle winner = CaBundleCodec.encode(TestCa.ecRoot());
    InMemoryStore store = new InMemoryStore().preemptedBy(winner);

    ProvisionedCa provisioned = provisioner(store).provision();

    assertThat(provisioned.outcome()).isEqualTo(Outcome.LOADED_AFTER_RACE);
    assertThat(provisioned.bundle().certificate()).isEqualTo(TestCa.ecRoot().certificate());
    assertThat(provisioned.bundle().privateKey().getEncoded())
        .isEqualTo(TestCa.ecRoot().privateKey().getEncoded());
    assertThat(store.content()).isSameAs(winner);
  }

  @Test
  void brokenStoredRootIsReportedAndLeftAlone() {
    StoredCaBundle broken =
        new StoredCaBundle(
            Pem.encode(TestCa.ecRoot().certificate()),
            Pem.encodePrivateKey(TestCa.otherEcRoot().privateKey()),
            null);
    InMemoryStore store = new InMemoryStore(broken);

    BrokenCaBundleException e =
        catchThrowableOfType(BrokenCaBundleException.class, () -> provisioner(store).provision());

    assertThat(e).hasMessageContaining(store.location()).hasMessageContaining("does not match");
    assertThat(store.content()).isSameAs(broken);
    assertThat(store.creates).hasValue(0);
  }

  @Test
  void expiredStoredRootIsReportedAndLeftAlone() {
    StoredCaBundle stored = CaBundleCodec.encode(TestCa.ecRoot());
    InMemoryStore store = new InMemoryStore(stored);
    clock.set(TestCa.ecRoot().notAfter().plusSeconds(1));

    BrokenCaBundleException e =
        catchThrowableOfType(BrokenCaBundleException.class, () -> provisioner(store).provision());

    assertThat(e.problems()).singleElement().asString().contains("expired at");
    assertThat(store.content()).isSameAs(stored);
    assertThat(store.creates).hasValue(0);
  }

  @Test
  void brokenWinnerOfARaceIsReported() {
    StoredCaBundle broken = new StoredCaBundle("not a certificate", null, null);
    InMemoryStore store = new InMemoryStore().preemptedBy(broken);

    BrokenCaBundleException e =
        catchThrowableOfType(BrokenCaBundleException.class, () -> provisioner(store).provision());

    assertThat(e.problems()).hasSize(2);
    assertThat(store.content()).isSameAs(broken);
  }

  @Test
  void storeFailureIsPassedOn() {
    CaStoreException failure = new CaStoreException("the Kubernetes API answered 403 Forbidden");
    InMemoryStore store = new InMemoryStore().failingWith(failure);

    CaStoreException e =
        catchThrowableOfType(CaStoreException.class, () -> provisioner(store).provision());

    assertThat(e).isSameAs(failure);
  }

  @Test
  void concurrentProvisionersAllEndWithTheSameRoot() throws Exception {
    int replicas = 8;
    InMemoryStore store = new InMemoryStore();
    CyclicBarrier start = new CyclicBarrier(replicas);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      List<Future<ProvisionedCa>> results = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        results.add(
            pool.submit(
                () -> {
                  TresorCaProvisioner provisioner = provisioner(store);
                  start.await(10, TimeUnit.SECONDS);
                  return provisioner.provision();
                }));
      }
      List<ProvisionedCa> provisioned = new ArrayList<>();
      for (Future<ProvisionedCa> result : results) {
        provisioned.add(result.get(20, TimeUnit.SECONDS));
      }

      List<BigInteger> serials =
          provisioned.stream()
              .map(p -> p.bundle().certificate().getSerialNumber())
              .distinct()
              .toList();
      assertThat(serials).hasSize(1);
      assertThat(provisioned).filteredOn(p -> p.outcome() == Outcome.CREATED).hasSize(1);
      assertThat(store.content()).isEqualTo(CaBundleCodec.encode(provisioned.get(0).bundle()));
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}

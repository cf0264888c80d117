package io.openservicemesh.certificate.rootchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.rootchange.RootSource.RefusedRootsException;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.InMemoryRotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An external CA's roots changing under two replicas: the new roots are trusted everywhere before anything is
 * expected to be issued by them, the old ones are trusted until nothing they signed is left, each step waits for
 * the evidence it names, and a refused or unreadable source changes nothing.
 */
class ExternalRootChangeTest {

  private static final X509Certificate A = TestCa.fixedRoot().certificate();
  private static final X509Certificate B = TestCa.ecRoot().certificate();
  private static final X509Certificate C = TestCa.otherEcRoot().certificate();

  private final MutableClock clock = MutableClock.atNowInWholeSeconds();
  private final InMemoryRotationStateStore state = new InMemoryRotationStateStore("memory osm-system/osm-ca-bundle-rotation");
  private final Source source = new Source(List.of(A));
  private final List<String> events = new ArrayList<>();
  private final Replica a = new Replica("a");
  private final Replica b = new Replica("b");
  private final Scripted clusterWide = new Scripted();

  /** What the CA names; an operator's hand changes it. */
  private static final class Source implements RootSource {
    List<X509Certificate> roots;
    String refusal = "";

    Source(List<X509Certificate> roots) {
      this.roots = roots;
    }

    @Override
    public String location() {
      return "memory osm-system/osm-ca-bundle";
    }

    @Override
    public List<X509Certificate> roots() throws RefusedRootsException {
      if (!refusal.isEmpty()) {
        throw new RefusedRootsException(refusal);
      }
      return roots;
    }
  }

  /** One replica: what it trusts, and the evidence its own SDS streams and cache give. */
  private final class Replica {
    final ExternalTrust trust = new ExternalTrust(List.of(A));
    final Scripted local = new Scripted();
    final ExternalRootLifecycle lifecycle;

    Replica(String name) {
      lifecycle = ExternalRootLifecycle.start(state, source, trust, name, clock,
          (reason, message) -> events.add(reason.apiValue() + ": " + message));
    }

    X509Certificate follow() {
      return lifecycle.follow(local);
    }
  }

  /** Evidence a test sets: what a consumer still waits for, and what it was asked about. */
  private static final class Scripted implements RootDistribution {
    List<String> notHolding = List.of();
    List<String> notIssuedBy = List.of();
    final List<X509Certificate> askedIssuedBy = new ArrayList<>();

    @Override
    public List<String> notHolding(String trustBundlePem) {
      return notHolding;
    }

    @Override
    public List<String> notIssuedBy(X509Certificate root) {
      askedIssuedBy.add(root);
      return notIssuedBy;
    }
  }

  /** A state another writer always got to first: every replace is refused, as a stale resourceVersion is. */
  private record RefusingReplace(RotationStateStore behind) implements RotationStateStore {
    @Override
    public String location() {
      return behind.location();
    }

    @Override
    public Optional<StoredRotation> load() throws CaStoreException {
      return behind.load();
    }

    @Override
    public Optional<StoredRotation> create(Map<String, String> data) {
      return Optional.empty();
    }

    @Override
    public Optional<StoredRotation> replace(StoredRotation current, Map<String, String> data) {
      return Optional.empty();
    }

    @Override
    public boolean delete(StoredRotation current) {
      return false;
    }
  }

  private String phase() {
    return state.load().orElseThrow().data().get(ExternalRootCodec.PHASE);
  }

  private void everyoneFollows() {
    a.follow();
    b.follow();
  }

  @Test
  void theFirstPassRecordsWhatTheMeshTrustsAndStartsNothing() throws Exception {
    a.lifecycle.drive(clusterWide);

    assertThat(phase()).isEqualTo("retired");
    assertThat(state.load().orElseThrow().data().get(ExternalRootCodec.INCOMING_CRT))
        .isEqualTo(Pem.encode(A));
    assertThat(events).isEmpty();
    a.lifecycle.drive(clusterWide);
    assertThat(events).as("nothing changed").isEmpty();
  }

  @Test
  void aNewRootIsTrustedEverywhereBeforeAnythingIsReissuedAndTheOldOneIsRetiredOnlyOnEvidence() throws Exception {
    a.lifecycle.drive(clusterWide);
    source.roots = List.of(B);

    a.lifecycle.drive(clusterWide);
    assertThat(phase()).isEqualTo("prepared");
    b.local.notHolding = List.of("SDS stream of proxy p1 has not ACKed the trust bundle");
    everyoneFollows();
    for (Replica replica : List.of(a, b)) {
      assertThat(replica.trust.roots()).as("both, the new one first").containsExactly(B, A);
      assertThat(replica.trust.signing()).as("nothing is expected from the new root yet").isEqualTo(A);
      assertThat(replica.trust.issuable()).as("nothing it signed is handed out yet").containsExactly(A);
    }
    a.lifecycle.drive(clusterWide);
    assertThat(phase()).as("replica b's stream has not ACKed").isEqualTo("prepared");
    assertThat(a.lifecycle.details().get("rootRotationLeaderWaitingFor")).contains("replica b", "p1");
    assertThat(ReplicaReports.waitingFor(state.load().orElseThrow().data())).anyMatch(w -> w.contains("p1"));

    b.local.notHolding = List.of();
    clusterWide.notHolding = List.of("bootstrap Secret of proxy p2 does not hold the trust bundle");
    everyoneFollows();
    a.lifecycle.drive(clusterWide);
    assertThat(phase()).as("a bootstrap Secret lags").isEqualTo("prepared");

    clusterWide.notHolding = List.of();
    a.lifecycle.drive(clusterWide);
    assertThat(phase()).isEqualTo("signing");
    a.local.notIssuedBy = List.of("service certificate bookstore is not yet re-issued under the new root");
    assertThat(a.follow()).as("certificates are now expected from the new root").isEqualTo(B);
    b.follow();
    assertThat(a.trust.roots()).as("the old root is still trusted").containsExactly(B, A);
    assertThat(a.trust.issuable()).containsExactly(B, A);
    a.lifecycle.drive(clusterWide);
    assertThat(phase()).isEqualTo("signing");
    assertThat(clusterWide.askedIssuedBy).contains(B);

    a.local.notIssuedBy = List.of();
    everyoneFollows();
    a.lifecycle.drive(clusterWide);
    assertThat(phase()).isEqualTo("retired");
    everyoneFollows();
    assertThat(a.trust.roots()).containsExactly(B);
    assertThat(a.trust.issuable()).containsExactly(B);
    assertThat(b.trust.roots()).containsExactly(B);
    assertThat(events).anyMatch(e -> e.startsWith("RootRotationStarted"))
        .anyMatch(e -> e.startsWith("RootRotationStep"))
        .anyMatch(e -> e.startsWith("RootRotationWaiting"))
        .anyMatch(e -> e.startsWith("RootRotationCompleted") && e.contains("retired"));
  }

  @Test
  void aPassSaysWhetherItTookAStepSoTheLeaderFollowsItAtOnce() throws Exception {
    assertThat(a.lifecycle.drive(clusterWide)).as("the first record is no step").isFalse();
    source.roots = List.of(B);

    assertThat(a.lifecycle.drive(clusterWide)).as("started").isTrue();
    b.local.notHolding = List.of("SDS stream of proxy p1 has not ACKed the trust bundle");
    everyoneFollows();
    assertThat(a.lifecycle.drive(clusterWide)).as("waiting").isFalse();
    b.local.notHolding = List.of();
    everyoneFollows();
    assertThat(a.lifecycle.drive(clusterWide)).as("prepared -> signing").isTrue();
  }

  @Test
  void aRootAddedBesideTheSigningOneIsPublishedAndNothingIsRetired() throws Exception {
    a.lifecycle.drive(clusterWide);
    source.roots = List.of(A, B);

    a.lifecycle.drive(clusterWide);
    everyoneFollows();
    a.lifecycle.drive(clusterWide);
    everyoneFollows();
    a.lifecycle.drive(clusterWide);

    assertThat(phase()).isEqualTo("retired");
    everyoneFollows();
    assertThat(a.trust.roots()).containsExactly(A, B);
    assertThat(a.trust.signing()).isEqualTo(A);
    assertThat(events).noneMatch(e -> e.contains("retired ["));
  }

  @Test
  void aRefusedSourceIsToldOnceAndTheRootsInUseStay() throws Exception {
    a.lifecycle.drive(clusterWide);
    source.refusal = "Secret osm-system/osm-ca-bundle is unusable: ca.crt is not a PEM certificate";

    a.lifecycle.drive(clusterWide);
    a.lifecycle.drive(clusterWide);
    a.follow();

    assertThat(phase()).isEqualTo("retired");
    assertThat(a.trust.roots()).containsExactly(A);
    assertThat(events).hasSize(1).allMatch(e -> e.startsWith(EventReason.CA_SECRET_REFUSED.apiValue())
        && e.contains("ca.crt is not a PEM certificate") && e.contains("keeps trusting"));
    assertThat(a.lifecycle.details().get("caSecretRefused")).contains("ca.crt is not a PEM certificate");

    source.refusal = "";
    a.lifecycle.drive(clusterWide);
    assertThat(a.lifecycle.details()).doesNotContainKey("caSecretRefused");
  }

  @Test
  void rootsChangedAgainMidwayKeepEverythingTrustedSoFarUntilTheNewestHaveGoneThrough() throws Exception {
    a.lifecycle.drive(clusterWide);
    source.roots = List.of(B);
    a.lifecycle.drive(clusterWide);
    everyoneFollows();
    a.lifecycle.drive(clusterWide);
    assertThat(phase()).isEqualTo("signing");

    source.roots = List.of(C);
    a.lifecycle.drive(clusterWide);
    everyoneFollows();

    assertThat(phase()).isEqualTo("prepared");
    assertThat(a.trust.roots()).containsExactly(C, B, A);
  }

  @Test
  void aReplicaStartingMidChangeTrustsBothSidesBeforeItsFirstCertificate() throws Exception {
    a.lifecycle.drive(clusterWide);
    source.roots = List.of(B);
    a.lifecycle.drive(clusterWide);

    Replica late = new Replica("late");

    assertThat(late.trust.roots()).containsExactly(B, A);
  }

  @Test
  void aStaleWriteIsRefusedAndTheNextPassReadsAgain() throws Exception {
    a.lifecycle.drive(clusterWide);
    source.roots = List.of(B);
    a.lifecycle.drive(clusterWide);
    everyoneFollows();
    InMemoryRotationStateStore behind = new InMemoryRotationStateStore("memory");
    behind.create(state.load().orElseThrow().data());
    RotationStateStore racing = new RefusingReplace(behind);
    ExternalRootDriver loser = new ExternalRootDriver(racing, source, a.trust, clock, (reason, message) -> {});

    loser.drive(clusterWide);

    assertThat(behind.load().orElseThrow().data().get(ExternalRootCodec.PHASE)).isEqualTo("prepared");
  }

  @Test
  void theBuiltInCasRetiredRecordIsWhereAMoveToAnExternalCaStartsFrom() throws Exception {
    Map<String, String> builtIn = new LinkedHashMap<>();
    builtIn.put("phase", "retired");
    builtIn.put("incoming.crt", Pem.encode(A));
    builtIn.put("outgoing.crt", Pem.encode(C));
    builtIn.put("phaseSince", clock.instant().toString());
    state.create(builtIn);
    source.roots = List.of(B);

    a.lifecycle.drive(clusterWide);
    a.follow();

    assertThat(phase()).isEqualTo("prepared");
    assertThat(a.trust.roots()).containsExactly(B, A);
  }

  @Test
  void anUnfinishedRotationOfTheBuiltInCaIsNamedAndNothingChanges() throws CaStoreException {
    Map<String, String> builtIn = new LinkedHashMap<>();
    builtIn.put("phase", "prepared");
    builtIn.put("incoming.crt", Pem.encode(B));
    builtIn.put("incoming.key", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n");
    state.create(builtIn);
    source.roots = List.of(B);

    a.lifecycle.drive(clusterWide);
    a.follow();

    assertThat(a.trust.roots()).containsExactly(A);
    assertThat(a.lifecycle.details().get("rootRotationProblem")).contains("built-in CA", "tresor");
    assertThat(events).anyMatch(e -> e.contains("built-in CA"));
  }
}

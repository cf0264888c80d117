package io.openservicemesh.certificate.tresor;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuedBy;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.rootchange.ReplicaReports;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CryptoProviders;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A root rotation between two replicas, step by step: each step waits for the evidence it names (a replica's
 * report, a cluster-wide consumer), the CA Secret always holds the root that signs once the incoming one does,
 * and any replica that leads can finish what another started.
 */
class RootRotationTest {

  private final MutableClock clock = MutableClock.atNowInWholeSeconds();
  private final CaBundle outgoing = TestCa.fixedRoot();
  private final RotationStoresInMemory stores = new RotationStoresInMemory(CaBundleCodec.encode(outgoing));
  private final Replica a = new Replica("a");
  private final Replica b = new Replica("b");
  private final Scripted clusterWide = new Scripted();

  /** One replica: its issuer, what it follows, and the evidence its own SDS streams give. */
  private final class Replica {
    final TresorIssuer issuer = new TresorIssuer(TresorRoots.of(outgoing), clock, Duration.ZERO,
        io.openservicemesh.certificate.KeyPairSource.generatedBy(CryptoProviders.BOUNCYCASTLE), CryptoProviders.BOUNCYCASTLE);
    final Scripted local = new Scripted();
    final RootRotationFollower follower;

    Replica(String name) {
      follower = new RootRotationFollower(stores.state, stores.ca, issuer, name, clock);
    }

    RootRotationDriver driver() {
      return new RootRotationDriver(stores.state, stores.ca, issuer::roots, policy(0.8), clock);
    }

    void follow() {
      follower.follow(local);
    }

    Certificate leaf() {
      return issuer.issue(new CertificateSpec(CertificateKind.SERVICE, "bookstore.bookstore.cluster.local",
          List.of("bookstore.bookstore.cluster.local"), List.of(), Duration.ofHours(1), KeySpec.ECDSA_P256));
    }
  }

  /** Evidence a test sets: what a consumer still waits for. */
  private static final class Scripted implements RootDistribution {
    List<String> notHolding = new ArrayList<>();
    List<String> notIssuedBy = new ArrayList<>();

    @Override
    public List<String> notHolding(String trustBundlePem) {
      return notHolding;
    }

    @Override
    public List<String> notIssuedBy(X509Certificate root) {
      return notIssuedBy;
    }
  }

  private RootRotationDriver.Policy policy(double startFraction) {
    return new RootRotationDriver.Policy(KeySpec.ECDSA_P256, Duration.ofDays(3650), Duration.ZERO, startFraction,
        CryptoProviders.BOUNCYCASTLE);
  }

  @Test
  void aRequestedRotationGoesThroughEveryPhaseOnEvidenceOnly() throws Exception {
    RootRotationDriver leader = a.driver();
    stores.ca.requestRotation();

    leader.drive(clusterWide);
    assertThat(phase()).isEqualTo("prepared");
    assertThat(stores.ca.rotationRequested()).as("the request is taken up").isFalse();
    assertThat(stores.ca.content().sameRootAs(CaBundleCodec.encode(outgoing))).isTrue();

    b.local.notHolding = List.of("SDS stream of proxy p1 has not ACKed the trust bundle");
    a.follow();
    b.follow();
    for (Replica replica : List.of(a, b)) {
      assertThat(replica.issuer.roots().trusted()).hasSize(2);
      assertThat(replica.issuer.roots().signing()).isEqualTo(outgoing);
      assertThat(Pem.decodeCertificates(replica.issuer.trustedCasPem())).hasSize(2);
    }

    leader.drive(clusterWide);
    assertThat(phase()).as("replica b's proxy has not ACKed").isEqualTo("prepared");
    assertThat(leader.waiting()).anySatisfy(line -> assertThat(line).contains("replica b").contains("p1"));
    assertThat(stored().data().get(ReplicaReports.WAITING_FOR)).contains("p1");

    b.local.notHolding = List.of();
    clusterWide.notHolding = List.of("bootstrap Secret bookstore/envoy-bootstrap-config-1 does not hold it");
    b.follow();
    leader.drive(clusterWide);
    assertThat(phase()).as("a bootstrap Secret lacks the bundle").isEqualTo("prepared");

    clusterWide.notHolding = List.of();
    leader.drive(clusterWide);
    assertThat(phase()).isEqualTo("published");
    assertThat(stores.ca.content().sameRootAs(CaBundleCodec.encode(outgoing))).isTrue();

    leader.drive(clusterWide);
    assertThat(phase()).isEqualTo("signing");
    CaBundle incoming = CaBundleCodec.decode(stores.ca.content(), "test", clock.instant());
    assertThat(incoming.certificate()).isNotEqualTo(outgoing.certificate());

    a.follow();
    b.follow();
    Certificate leaf = b.leaf();
    assertThat(IssuedBy.root(leaf.chain(), incoming.certificate())).isTrue();
    assertThat(IssuedBy.root(leaf.chain(), outgoing.certificate())).isFalse();
    assertThat(Pem.decodeCertificates(leaf.trustedCasPem())).as("still trusting both")
        .containsExactly(incoming.certificate(), outgoing.certificate());

    a.local.notIssuedBy = List.of("SERVICE certificate bookstore.bookstore.cluster.local is not yet re-issued");
    a.follow();
    leader.drive(clusterWide);
    assertThat(phase()).isEqualTo("signing");

    a.local.notIssuedBy = List.of();
    a.follow();
    leader.drive(clusterWide);
    assertThat(phase()).isEqualTo("retired");
    assertThat(stored().data()).doesNotContainKeys(RootRotationCodec.OUTGOING_KEY, RootRotationCodec.INCOMING_KEY);

    a.follow();
    b.follow();
    for (Replica replica : List.of(a, b)) {
      assertThat(replica.issuer.roots().trusted()).containsExactly(incoming.certificate());
      assertThat(replica.issuer.roots().signing()).isEqualTo(incoming);
    }
  }

  @Test
  void eachStepIsToldAsAnEventOnTheCaSecret() throws Exception {
    List<String> notices = new ArrayList<>();
    RootRotationDriver leader = new RootRotationDriver(stores.state, stores.ca, a.issuer::roots, policy(0.8), clock,
        (reason, message) -> notices.add(reason.apiValue()));
    stores.ca.requestRotation();
    leader.drive(clusterWide);
    clusterWide.notHolding = List.of("bootstrap Secret bookstore/envoy-bootstrap-config-1 does not hold it");
    a.follow();
    leader.drive(clusterWide);
    leader.drive(clusterWide);
    clusterWide.notHolding = List.of();
    leader.drive(clusterWide);
    leader.drive(clusterWide);
    a.follow();
    leader.drive(clusterWide);

    assertThat(notices).containsExactly("RootRotationStarted", "RootRotationWaiting", "RootRotationStep",
        "RootRotationStep", "RootRotationCompleted");
  }

  @Test
  void anotherReplicaFinishesARotationAfterTheLeaderIsGone() throws Exception {
    stores.ca.requestRotation();
    a.driver().drive(clusterWide);
    a.follow();
    b.follow();
    a.driver().drive(clusterWide);
    a.driver().drive(clusterWide);
    assertThat(phase()).isEqualTo("signing");

    // a crashed; b leads now, and a's last report expires
    clock.advance(ReplicaReports.REPORT_EXPIRES.plusSeconds(1));
    b.follow();
    RootRotationDriver newLeader = b.driver();
    newLeader.drive(clusterWide);

    assertThat(phase()).isEqualTo("retired");
    b.follow();
    assertThat(b.issuer.roots().trusted()).hasSize(1);
  }

  @Test
  void aReplicaThatStopsWithdrawsItsReportAndIsNotWaitedFor() throws Exception {
    stores.ca.requestRotation();
    RootRotationDriver leader = a.driver();
    leader.drive(clusterWide);
    b.local.notHolding = List.of("SDS stream of proxy p1 has not ACKed the trust bundle");
    a.follow();
    b.follow();
    leader.drive(clusterWide);
    assertThat(phase()).isEqualTo("prepared");

    b.follower.withdraw();
    leader.drive(clusterWide);

    assertThat(phase()).as("no report of b is left to wait for").isEqualTo("published");
  }

  @Test
  void aReplicaThatMissedTheEndLearnsItFromTheRecord() throws Exception {
    stores.ca.requestRotation();
    RootRotationDriver leader = a.driver();
    leader.drive(clusterWide);
    a.follow();
    leader.drive(clusterWide);
    leader.drive(clusterWide);
    a.follow();
    leader.drive(clusterWide);
    assertThat(phase()).isEqualTo("retired");

    b.follow(); // b was away for the whole rotation
    assertThat(b.issuer.roots().signing().certificate()).isEqualTo(a.issuer.roots().signing().certificate());
    assertThat(b.issuer.roots().trusted()).hasSize(1);
  }

  @Test
  void noStepTakesAStaleWrite() throws Exception {
    stores.ca.requestRotation();
    RootRotationDriver leader = a.driver();
    leader.drive(clusterWide);
    a.follow();
    StoredRotation before = stored();
    stores.state.replace(stores.state.load().orElseThrow(), stores.state.load().orElseThrow().data());

    assertThat(stores.state.replace(before, Map.of("phase", "signing"))).isEmpty();
    assertThat(phase()).isEqualTo("prepared");
  }

  @Test
  void anOperatorsSoundRootIsAdoptedThroughTheSameSteps() throws Exception {
    CaBundle operators = TestCa.otherEcRoot();
    stores.ca.replaceWith(CaBundleCodec.encode(operators));

    a.driver().drive(clusterWide);

    assertThat(phase()).isEqualTo("prepared");
    assertThat(stored().data().get(RootRotationCodec.REASON)).isEqualTo("operator");
    a.follow();
    assertThat(a.issuer.roots().signing()).as("the running root signs until every proxy trusts both")
        .isEqualTo(outgoing);
    assertThat(a.issuer.roots().trusted()).contains(operators.certificate());
  }

  @Test
  void theSameRootWrittenAnotherWayOrHeldByAnotherProviderIsNoOperatorsChange() throws Exception {
    java.io.StringWriter traditional = new java.io.StringWriter();
    try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(traditional)) {
      writer.writeObject(outgoing.privateKey()); // "BEGIN EC PRIVATE KEY": the OpenSSL form an operator may have
    }
    String wrapped = CaBundleCodec.encode(outgoing).caCrt().replace("\n", "\r\n");
    stores.ca.replaceWith(new StoredCaBundle(wrapped, traditional.toString(), null));
    // The key in memory as another JCA provider holds it (its encoding differs from BouncyCastle's).
    java.security.PrivateKey sunKey = java.security.KeyFactory.getInstance("EC", "SunEC")
        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(outgoing.privateKey().getEncoded()));
    TresorRoots inMemory = TresorRoots.of(new CaBundle(outgoing.certificate(), sunKey));

    new RootRotationDriver(stores.state, stores.ca, () -> inMemory, policy(0.8), clock).drive(clusterWide);

    assertThat(stores.state.load()).as("no rotation to the root already in use").isEmpty();
  }

  @Test
  void aBrokenOperatorsRootIsRefusedAndTheRootInUseStays() throws Exception {
    StoredCaBundle mismatched = new StoredCaBundle(CaBundleCodec.encode(TestCa.otherEcRoot()).caCrt(),
        CaBundleCodec.encode(outgoing).privateKey(), null);
    stores.ca.replaceWith(mismatched);
    RootRotationDriver leader = a.driver();

    leader.drive(clusterWide);

    assertThat(stores.state.load()).isEmpty();
    assertThat(leader.refusal()).contains("private.key does not match").contains("stays in service");
    TresorRootLifecycle lifecycle = new TresorRootLifecycle(a.issuer, a.follower, leader);
    assertThat(lifecycle.details()).containsKey("caSecretRefused");
  }

  @Test
  void aRootStartsItsOwnRotationAtTheConfiguredPartOfItsLife() throws Exception {
    RootRotationDriver leader = new RootRotationDriver(stores.state, stores.ca, a.issuer::roots, policy(0.5), clock);
    leader.drive(clusterWide);
    assertThat(stores.state.load()).as("a young root").isEmpty();

    clock.advance(Duration.between(clock.instant(), policy(0.5).dueAt(outgoing.certificate())));
    leader.drive(clusterWide);

    assertThat(phase()).isEqualTo("prepared");
    assertThat(stored().data().get(RootRotationCodec.REASON)).isEqualTo("lifetime");
  }

  private String phase() {
    return stores.state.load().map(stored -> stored.data().get(RootRotationCodec.PHASE)).orElse("none");
  }

  private StoredRotation stored() {
    return stores.state.load().orElseThrow();
  }
}

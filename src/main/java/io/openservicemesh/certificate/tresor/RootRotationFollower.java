package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.rootchange.ReplicaReports;
import io.openservicemesh.certificate.rootchange.ReplicaReports.ReplicaReport;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotatingCaBundleStore;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.RootRotationCodec.Active;
import io.openservicemesh.certificate.tresor.RootRotationCodec.Retired;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What every replica does about a root rotation: signs and trusts as its persisted phase says, and reports what
 * it still waits for (its own SDS streams and cached certificates), so that the leader moves on only when every
 * replica is there. A replica that was away when a rotation ended learns from the record it left which root the
 * CA Secret now holds.
 */
final class RootRotationFollower {

  private static final Logger LOG = Logger.getLogger(RootRotationFollower.class.getName());

  private final RotationStateStore state;
  private final RotationStateReader stateReader;
  private final RotatingCaBundleStore caStore;
  private final TresorIssuer issuer;
  private final String replica;
  private final Clock clock;
  private Optional<ReplicaReport> lastReport = Optional.empty();
  private String lastProblem = "";

  RootRotationFollower(RotationStateStore state, RotatingCaBundleStore caStore, TresorIssuer issuer, String replica,
      Clock clock) {
    this.state = state;
    this.stateReader = new RotationStateReader(state);
    this.caStore = caStore;
    this.issuer = issuer;
    this.replica = replica;
    this.clock = clock;
  }

  /** At start-up, before anything is signed: sign and trust as the persisted state says, reporting nothing yet. */
  synchronized void applyPersisted() {
    apply(clock.instant());
  }

  /** One look at the persisted state; returns the phase followed, or empty when no rotation is under way. */
  synchronized Optional<RootRotation> follow(RootDistribution local) {
    Instant now = clock.instant();
    Optional<Followed> followed = apply(now);
    if (followed.isEmpty()) {
      return Optional.empty();
    }
    try {
      report(followed.get().stored(), followed.get().rotation(), local, now);
    } catch (CaStoreException e) {
      problem(e.getMessage());
    }
    return Optional.of(followed.get().rotation());
  }

  private record Followed(StoredRotation stored, RootRotation rotation) {}

  private Optional<Followed> apply(Instant now) {
    try {
      Optional<RotationStateReader.Read> read = stateReader.read(now);
      if (read.isEmpty()) {
        return Optional.empty();
      }
      RootRotationCodec.State decoded = read.get().state();
      problem("");
      if (decoded instanceof Retired retired) {
        adoptRetirement(retired.record(), now);
        return Optional.empty();
      }
      RootRotation rotation = ((Active) decoded).rotation();
      if (!rotation.roots().equals(issuer.roots())) {
        issuer.follow(rotation.roots());
        LOG.info(() -> "root rotation " + rotation.phase().configName() + ": signing with the root of serial "
            + rotation.signing().serialHex() + ", trusting both roots");
      }
      return Optional.of(new Followed(read.get().stored(), rotation));
    } catch (CaStoreException | BrokenCaBundleException e) {
      problem(e.getMessage());
      return Optional.empty();
    }
  }

  /** Removes this replica's report from the state, if a rotation is under way and it has one. */
  synchronized void withdraw() {
    try {
      ReplicaReports.withdraw(state, replica);
    } catch (CaStoreException e) {
      LOG.fine(() -> "could not withdraw this replica's rotation report (it expires instead): " + e.getMessage());
    }
  }

  /** Signs with the root the rotation ended with, from the CA Secret, and trusts no other. */
  private void adoptRetirement(RetiredRoot retired, Instant now) throws CaStoreException, BrokenCaBundleException {
    TresorRoots current = issuer.roots();
    if (current.signing().certificate().equals(retired.root())) {
      if (current.trusted().size() > 1) {
        issuer.follow(TresorRoots.of(current.signing()));
        LOG.info(() -> "root rotation ended: the root of serial " + retired.retired().getSerialNumber().toString(16)
            + " is trusted no more");
      }
      return;
    }
    Optional<StoredCaBundle> stored = caStore.load();
    if (stored.isEmpty()) {
      return;
    }
    CaBundle bundle = CaBundleCodec.decode(stored.get(), caStore.location(), now);
    if (bundle.certificate().equals(retired.root())) {
      issuer.follow(TresorRoots.of(bundle));
      LOG.info(() -> "a root rotation ended while this replica was away: now signing with the root of serial "
          + bundle.serialHex() + " from " + caStore.location());
    }
  }

  private void report(StoredRotation stored, RootRotation rotation, RootDistribution local, Instant now)
      throws CaStoreException {
    List<String> waiting = rotation.phase() == RootRotation.Phase.SIGNING
        ? local.notIssuedBy(rotation.incomingRoot())
        : local.notHolding(rotation.roots().trustPem());
    ReplicaReport report = new ReplicaReport(replica, rotation.phase().configName(), now, waiting);
    Optional<Map<String, String>> updated = ReplicaReports.withReport(stored.data(), report,
        rotation.phaseSince());
    if (updated.isPresent()) {
      // A refused write (the leader or another replica wrote meanwhile) is simply made again at the next look.
      state.replace(stored, updated.get()).ifPresent(ignored -> lastReport = Optional.of(report));
    }
  }

  private void problem(String text) {
    if (!text.equals(lastProblem)) {
      lastProblem = text;
      if (!text.isEmpty()) {
        LOG.warning(() -> "cannot follow the root rotation state: " + text
            + "; this replica keeps signing and trusting as it did");
      }
    }
  }

  synchronized String lastProblem() {
    return lastProblem;
  }

  synchronized Optional<ReplicaReport> lastReport() {
    return lastReport;
  }
}

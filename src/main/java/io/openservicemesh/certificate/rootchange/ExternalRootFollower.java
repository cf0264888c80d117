package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.rootchange.ExternalRootCodec.BrokenStateException;
import io.openservicemesh.certificate.rootchange.ExternalRootCodec.Changing;
import io.openservicemesh.certificate.rootchange.ExternalRootCodec.Settled;
import io.openservicemesh.certificate.rootchange.ReplicaReports.ReplicaReport;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What every replica does about an external CA's root change: trusts as the persisted phase says, and reports
 * what it still waits for (its SDS streams, its cached certificates), so that the leader moves on only when
 * every replica is there.
 */
final class ExternalRootFollower {

  private static final Logger LOG = Logger.getLogger(ExternalRootFollower.class.getName());

  private final RotationStateStore state;
  private final ExternalTrust trust;
  private final String replica;
  private final Clock clock;
  private Optional<ReplicaReport> lastReport = Optional.empty();
  private String lastProblem = "";

  ExternalRootFollower(RotationStateStore state, ExternalTrust trust, String replica, Clock clock) {
    this.state = state;
    this.trust = trust;
    this.replica = replica;
    this.clock = clock;
  }

  /** At start-up, before anything is issued: trust as the persisted state says. */
  synchronized void applyPersisted() {
    apply();
  }

  /** One look at the persisted state; returns the change followed, or empty when none is under way. */
  synchronized Optional<ExternalRootChange> follow(RootDistribution local) {
    Optional<Followed> followed = apply();
    if (followed.isEmpty()) {
      return Optional.empty();
    }
    try {
      report(followed.get().stored(), followed.get().change(), local, clock.instant());
    } catch (CaStoreException e) {
      problem(e.getMessage());
    }
    return Optional.of(followed.get().change());
  }

  private record Followed(StoredRotation stored, ExternalRootChange change) {}

  private Optional<Followed> apply() {
    try {
      Optional<StoredRotation> stored = state.load();
      if (stored.isEmpty()) {
        return Optional.empty();
      }
      ExternalRootCodec.State decoded = ExternalRootCodec.decode(stored.get().data(), state.location());
      problem("");
      if (decoded instanceof Settled settled) {
        trustOnly(settled.roots(), settled.roots().get(0), settled.roots(), "the mesh trusts the CA's roots "
            + ExternalRootChange.serials(settled.roots()));
        return Optional.empty();
      }
      ExternalRootChange change = ((Changing) decoded).change();
      trustOnly(change.trusted(), change.signingRoot(), change.issuable(), "root change "
          + change.phase().configName() + ": trusting " + ExternalRootChange.serials(change.trusted()) + ", certificates expected from the root"
          + " of serial " + change.signingRoot().getSerialNumber().toString(16));
      return Optional.of(new Followed(stored.get(), change));
    } catch (CaStoreException | BrokenStateException e) {
      problem(e.getMessage());
      return Optional.empty();
    }
  }

  private void trustOnly(List<X509Certificate> roots, X509Certificate signing, List<X509Certificate> issuable,
      String message) {
    if (trust.set(roots, signing, issuable)) {
      LOG.info(message);
    }
  }

  private void report(StoredRotation stored, ExternalRootChange change, RootDistribution local, Instant now)
      throws CaStoreException {
    List<String> waiting = change.phase() == ExternalRootChange.Phase.SIGNING
        ? local.notIssuedBy(change.incoming().get(0))
        : local.notHolding(change.trustPem());
    ReplicaReport report = new ReplicaReport(replica, change.phase().configName(), now, waiting);
    Optional<Map<String, String>> updated = ReplicaReports.withReport(stored.data(), report, change.phaseSince());
    if (updated.isPresent()) {
      // A refused write (the leader or another replica wrote meanwhile) is made again at the next look.
      state.replace(stored, updated.get()).ifPresent(ignored -> lastReport = Optional.of(report));
    }
  }

  /** Removes this replica's report, if a change is under way and it has one. */
  synchronized void withdraw() {
    try {
      ReplicaReports.withdraw(state, replica);
    } catch (CaStoreException e) {
      LOG.fine(() -> "could not withdraw this replica's root change report (it expires instead): " + e.getMessage());
    }
  }

  private void problem(String text) {
    if (!text.equals(lastProblem)) {
      lastProblem = text;
      if (!text.isEmpty()) {
        LOG.warning(() -> "cannot follow the root change state: " + text + "; this replica keeps trusting as it did");
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

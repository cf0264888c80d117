package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.rootchange.ExternalRootCodec.BrokenStateException;
import io.openservicemesh.certificate.rootchange.ExternalRootCodec.Changing;
import io.openservicemesh.certificate.rootchange.ExternalRootCodec.Settled;
import io.openservicemesh.certificate.rootchange.RootSource.RefusedRootsException;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import io.openservicemesh.events.EventReason;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Moves an external CA's root change forward, on the leading replica only. It compares the roots the CA names
 * with the ones the mesh was last settled on; when they differ, the new roots are published beside the old ones,
 * everything is re-issued once every consumer trusts both, and the old ones are retired once nothing they signed
 * is held or served. Each step waits for evidence (every replica's report, every cluster-wide consumer), and the
 * state lives in the Kubernetes API, so the next leader resumes where this one stopped.
 */
final class ExternalRootDriver {

  private static final Logger LOG = Logger.getLogger(ExternalRootDriver.class.getName());

  private final RotationStateStore state;
  private final RootSource source;
  private final ExternalTrust trust;
  private final Clock clock;
  private final ChangeNotices notices;

  ExternalRootDriver(RotationStateStore state, RootSource source, ExternalTrust trust, Clock clock,
      BiConsumer<EventReason, String> events) {
    this.state = state;
    this.source = source;
    this.trust = trust;
    this.clock = clock;
    this.notices = new ChangeNotices(LOG, events);
  }

  /** @return whether a step was taken (a change started, moved on or ended), which this replica should follow now */
  synchronized boolean drive(RootDistribution clusterWide) throws CaStoreException {
    long before = notices.stepsTaken();
    driveOnce(clusterWide);
    return notices.stepsTaken() != before;
  }

  private void driveOnce(RootDistribution clusterWide) throws CaStoreException {
    Instant now = clock.instant();
    Optional<List<X509Certificate>> named = named();
    Optional<StoredRotation> stored = state.load();
    if (stored.isEmpty()) {
      // The first record: what the mesh trusts now, so a replica that starts after the CA changed still trusts
      // what the proxies hold until the change has gone through its steps.
      List<X509Certificate> trusted = trust.roots();
      if (named.isPresent() && !named.get().equals(trusted)) {
        start(Optional.empty(), trusted, named.get(), now);
      } else {
        state.create(ExternalRootCodec.encode(new Settled(trusted, List.of(), now)));
      }
      return;
    }
    ExternalRootCodec.State decoded;
    try {
      decoded = ExternalRootCodec.decode(stored.get().data(), state.location());
    } catch (BrokenStateException e) {
      notices.refuse(e.getMessage());
      return;
    }
    if (decoded instanceof Settled settled) {
      if (named.isPresent() && !named.get().equals(settled.roots())) {
        start(stored, settled.roots(), named.get(), now);
      }
      return;
    }
    ExternalRootChange change = ((Changing) decoded).change();
    if (named.isPresent() && !named.get().equals(change.incoming())) {
      // Changed again mid-way: everything trusted so far stays trusted until the newest roots have gone through.
      start(stored, change.trusted(), named.get(), now);
      return;
    }
    step(stored.get(), change, clusterWide, now);
  }

  /** The roots the CA names, or empty when they are refused (said once) or cannot be read now. */
  private Optional<List<X509Certificate>> named() {
    try {
      List<X509Certificate> roots = source.roots();
      notices.refuse("");
      return Optional.of(roots);
    } catch (RefusedRootsException e) {
      notices.refuse(e.getMessage() + " The mesh keeps trusting the roots of serial "
          + ExternalRootChange.serials(trust.roots()) + ".");
      return Optional.empty();
    } catch (CaStoreException e) {
      LOG.fine(() -> "cannot read the CA's roots from " + source.location() + " now: " + e.getMessage());
      return Optional.empty();
    }
  }

  private void start(Optional<StoredRotation> stored, List<X509Certificate> outgoing, List<X509Certificate> incoming,
      Instant now) throws CaStoreException {
    ExternalRootChange change = ExternalRootChange.prepare(outgoing, incoming, now);
    Map<String, String> data = ExternalRootCodec.encode(change);
    if ((stored.isPresent() ? state.replace(stored.get(), data) : state.create(data)).isEmpty()) {
      return; // someone wrote first: the next pass reads what they wrote
    }
    notices.stepTaken(EventReason.ROOT_ROTATION_STARTED, "root change started: " + source.location() + " names the"
        + " roots of serial " + ExternalRootChange.serials(incoming) + "; they are published beside "
        + ExternalRootChange.serials(outgoing) + " before anything is re-issued");
  }

  private void step(StoredRotation stored, ExternalRootChange change, RootDistribution clusterWide, Instant now)
      throws CaStoreException {
    String phase = change.phase().configName();
    List<String> waiting = new ArrayList<>(ReplicaReports.waiting(stored.data(), phase, change.phaseSince(), now));
    waiting.addAll(change.phase() == ExternalRootChange.Phase.SIGNING
        ? clusterWide.notIssuedBy(change.incoming().get(0))
        : clusterWide.notHolding(change.trustPem()));
    if (!waiting.isEmpty()) {
      notices.waiting(phase, waiting, stored, state);
      return;
    }
    notices.doneWaiting();
    if (change.phase() == ExternalRootChange.Phase.SIGNING) {
      Settled settled = new Settled(change.incoming(), change.retiring(), now);
      if (state.replace(stored, ExternalRootCodec.encode(settled)).isPresent()) {
        notices.stepTaken(EventReason.ROOT_ROTATION_COMPLETED, "root change complete: the mesh trusts only "
            + ExternalRootChange.serials(change.incoming()) + (change.retiring().isEmpty() ? ""
                : "; retired " + ExternalRootChange.serials(change.retiring())) + " (started " + change.startedAt()
            + ")");
      }
      return;
    }
    ExternalRootChange next = change.advance(now);
    if (state.replace(stored, ReplicaReports.carryReports(stored.data(), ExternalRootCodec.encode(next)))
        .isPresent()) {
      notices.stepTaken(EventReason.ROOT_ROTATION_STEP, "root change: prepared -> signing; everything not issued by"
          + " the root of serial " + next.signingRoot().getSerialNumber().toString(16) + " is re-issued");
    }
  }

  List<String> waiting() {
    return notices.lastWaiting();
  }

  String refusal() {
    return notices.refusal();
  }
}

package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.rootchange.ChangeNotices;
import io.openservicemesh.certificate.rootchange.ReplicaReports;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotatingCaBundleStore;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.RootRotationCodec.Active;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.events.EventReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Moves a root rotation forward, on the leading replica only. It starts one when an operator asks (the
 * {@value RotatingCaBundleStore#ROTATE_ROOT_ANNOTATION} annotation on the CA Secret), when the signing root has
 * used up the configured part of its life, or when an operator put another sound root into the CA Secret; and
 * it takes each next step only on evidence: every replica's report and every cluster-wide consumer. What it
 * waits for is written into the state (and logged when it changes), so a stuck step says why, and any replica
 * that leads after a crash resumes from the persisted phase.
 */
final class RootRotationDriver {

  private static final Logger LOG = Logger.getLogger(RootRotationDriver.class.getName());

  /** What a new root looks like, what makes its key, and when the current one is due for rotation. */
  record Policy(KeySpec caKey, Duration caValidity, Duration clockSkewAllowance, double startFraction,
      CryptoProvider crypto) {
    Instant dueAt(java.security.cert.X509Certificate root) {
      Instant notBefore = root.getNotBefore().toInstant();
      long lifetime = Duration.between(notBefore, root.getNotAfter().toInstant()).toMillis();
      return notBefore.plusMillis((long) (lifetime * startFraction));
    }
  }

  private final RotationStateStore state;
  private final RotationStateReader stateReader;
  private final RotatingCaBundleStore caStore;
  private final CaBundleDecoding caSecret;
  private final Supplier<TresorRoots> inUse;
  private final Policy policy;
  private final Clock clock;
  /** Logs and Events on the CA Secret: each step, a change in what is waited for, an operator's CA refused. */
  private final ChangeNotices notices;

  RootRotationDriver(RotationStateStore state, RotatingCaBundleStore caStore, Supplier<TresorRoots> inUse,
      Policy policy, Clock clock) {
    this(state, caStore, inUse, policy, clock, (reason, message) -> {});
  }

  RootRotationDriver(RotationStateStore state, RotatingCaBundleStore caStore, Supplier<TresorRoots> inUse,
      Policy policy, Clock clock, BiConsumer<EventReason, String> notices) {
    this.notices = new ChangeNotices(LOG, notices);
    this.state = state;
    this.stateReader = new RotationStateReader(state);
    this.caSecret = new CaBundleDecoding(caStore.location());
    this.caStore = caStore;
    this.inUse = inUse;
    this.policy = policy;
    this.clock = clock;
  }

  /** @return whether a step was taken (a change started, moved on or ended), which this replica should follow now */
  synchronized boolean drive(RootDistribution clusterWide) throws CaStoreException {
    long before = notices.stepsTaken();
    driveOnce(clusterWide);
    return notices.stepsTaken() != before;
  }

  private void driveOnce(RootDistribution clusterWide) throws CaStoreException {
    Instant now = clock.instant();
    Optional<RotationStateReader.Read> read;
    try {
      read = stateReader.read(now);
    } catch (BrokenCaBundleException e) {
      notices.refuse(e.getMessage() + " The rotation cannot go on: fix or delete " + state.location());
      return;
    }
    if (read.isPresent() && read.get().state() instanceof Active active) {
      step(read.get().stored(), active.rotation(), clusterWide, now);
    } else {
      maybeStart(read.map(RotationStateReader.Read::stored), now);
    }
  }

  private void maybeStart(Optional<StoredRotation> stored, Instant now) throws CaStoreException {
    CaBundle signing = inUse.get().signing();
    Optional<String> reason = Optional.empty();
    CaBundle incoming = null;
    RotatingCaBundleStore.Read held = caStore.read();
    Optional<CaBundle> operators = operatorsRoot(held.bundle(), signing, now);
    if (operators.isPresent()) {
      reason = Optional.of("operator");
      incoming = operators.get();
    } else if (held.rotationRequested()) {
      reason = Optional.of("requested");
    } else if (!now.isBefore(policy.dueAt(signing.certificate()))) {
      reason = Optional.of("lifetime");
    }
    if (reason.isEmpty()) {
      return;
    }
    if (incoming == null) {
      incoming = RootCertificateFactory.create(policy.caKey(), policy.caValidity(), now, policy.clockSkewAllowance(),
          policy.crypto());
    }
    RootRotation rotation = RootRotation.prepare(signing, incoming, reason.get(), now);
    Map<String, String> data = RootRotationCodec.encode(rotation);
    Optional<StoredRotation> written = stored.isPresent() ? state.replace(stored.get(), data) : state.create(data);
    if (written.isEmpty()) {
      return; // someone wrote first: the next pass reads what they wrote
    }
    if (reason.get().equals("requested")) {
      caStore.clearRotationRequest();
    }
    String message = "root rotation started (" + rotation.reason() + "): the root of serial "
        + rotation.incoming().serialHex() + " is published beside the root of serial "
        + rotation.outgoing().serialHex() + ", which keeps signing until every proxy trusts both";
    notices.stepTaken(EventReason.ROOT_ROTATION_STARTED, message);
  }

  /**
   * Another sound root in the CA Secret than the one that signs: an operator's CA, adopted through the same
   * publish-first steps. A broken one is refused with its reason, and the root in use stays.
   */
  private Optional<CaBundle> operatorsRoot(Optional<StoredCaBundle> stored, CaBundle signing, Instant now) {
    if (stored.isEmpty()) {
      return Optional.empty(); // written back by the CA Secret's keeper
    }
    try {
      CaBundle candidate = caSecret.decode(stored.get(), now);
      notices.refuse("");
      return candidate.sameAs(signing) ? Optional.empty() : Optional.of(candidate);
    } catch (BrokenCaBundleException e) {
      notices.refuse(e.getMessage() + " The root of serial " + signing.serialHex() + " stays in service.");
      return Optional.empty();
    }
  }

  /**
   * Gives the CA Secret the incoming CA unless it holds it already (an operator's CA is there from the start).
   *
   * @return what is waited for, when the Secret holds neither CA of the rotation
   */
  private Optional<String> swapCaSecret(RootRotation rotation, Instant now) throws CaStoreException {
    Optional<StoredCaBundle> stored = caStore.load();
    Optional<CaBundle> held = Optional.empty();
    if (stored.isPresent()) {
      try {
        held = Optional.of(caSecret.decode(stored.get(), now));
      } catch (BrokenCaBundleException unreadable) {
        held = Optional.empty();
      }
    }
    if (held.filter(rotation.incoming()::sameAs).isPresent()) {
      return Optional.empty();
    }
    if (stored.isPresent() && held.filter(rotation.outgoing()::sameAs).isPresent()
        && caStore.replaceRoot(stored.get(), CaBundleCodec.encode(rotation.incoming()))) {
      return Optional.empty();
    }
    return Optional.of(caStore.location() + " holds neither the outgoing nor the incoming root: someone changed it"
        + " during the rotation; restore the outgoing root there, or delete " + state.location()
        + " to abandon the rotation");
  }

  private void step(StoredRotation stored, RootRotation rotation, RootDistribution clusterWide, Instant now)
      throws CaStoreException {
    List<String> waiting = new ArrayList<>(replicasWaiting(stored, rotation, now));
    switch (rotation.phase()) {
      case PREPARED -> waiting.addAll(clusterWide.notHolding(rotation.roots().trustPem()));
      case PUBLISHED -> swapCaSecret(rotation, now).ifPresent(waiting::add);
      case SIGNING -> waiting.addAll(clusterWide.notIssuedBy(rotation.incomingRoot()));
    }
    if (!waiting.isEmpty()) {
      notices.waiting(rotation.phase().configName(), waiting, stored, state);
      return;
    }
    notices.doneWaiting();
    if (rotation.phase() == RootRotation.Phase.SIGNING) {
      RetiredRoot retired = new RetiredRoot(rotation.incomingRoot(), rotation.outgoing().certificate(), now);
      if (state.replace(stored, RootRotationCodec.encode(retired)).isPresent()) {
        String message = "root rotation complete: the root of serial " + rotation.outgoing().serialHex()
            + " is retired; the mesh trusts only the root of serial " + rotation.incoming().serialHex()
            + " (started " + rotation.startedAt() + ")";
        notices.stepTaken(EventReason.ROOT_ROTATION_COMPLETED, message);
      }
      return;
    }
    RootRotation next = rotation.advance(now);
    if (state.replace(stored, ReplicaReports.carryReports(stored.data(), RootRotationCodec.encode(next)))
        .isPresent()) {
      String message = "root rotation: " + rotation.phase().configName() + " -> " + next.phase().configName()
          + (next.phase() == RootRotation.Phase.SIGNING ? "; the incoming root signs, leaves are re-issued" : "");
      notices.stepTaken(EventReason.ROOT_ROTATION_STEP, message);
    }
  }

  /** Every replica that reported recently must have reported this phase, with nothing left to wait for. */
  private List<String> replicasWaiting(StoredRotation stored, RootRotation rotation, Instant now) {
    if (rotation.phase() == RootRotation.Phase.PUBLISHED) {
      return List.of(); // the evidence was taken in the previous phase; this one only swaps the CA Secret
    }
    return ReplicaReports.waiting(stored.data(), rotation.phase().configName(), rotation.phaseSince(), now);
  }

  List<String> waiting() {
    return notices.lastWaiting();
  }

  String refusal() {
    return notices.refusal();
  }
}

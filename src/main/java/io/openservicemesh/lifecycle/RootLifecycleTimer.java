package io.openservicemesh.lifecycle;

import io.openservicemesh.bootstrap.BootstrapSecretKeeper;
import io.openservicemesh.sds.SdsStreams;
import io.openservicemesh.webhook.WebhookRegistrations;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every five seconds, on every replica: follow the root lifecycle's persisted state (sign and trust as its phase
 * says, report this replica's SDS streams and cached certificates); on the leading replica, also drive it on the
 * evidence of the cluster-wide consumers (bootstrap Secrets, webhook caBundles), and follow at once a step it
 * took. When what this replica signs with or trusts changed, a rotation pass runs there and then, so the push of
 * the trust bundle and the re-issuance do not wait for the next pass. Nothing happens while no rotation is under
 * way beyond one read of its state. The write lock keeps ticks from overlapping.
 */
@Singleton
@Lock(LockType.WRITE)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RootLifecycleTimer {

  private static final Logger LOG = Logger.getLogger(RootLifecycleTimer.class.getName());

  @Inject RunningControlPlane running;
  @Inject ClusterLeadership leadership;
  @Inject SdsStreams streams;
  @Inject BootstrapSecretKeeper bootstrapSecrets;
  @Inject WebhookRegistrations webhooks;
  @Inject RotationTimer rotation;
  @Inject Clock clock;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void tick() {
    try {
      running.stack().ifPresent(stack -> {
        boolean changed = stack.followRoots(streams, clock);
        if (leadership.leading()) {
          // A step the leader just took is followed here at once rather than a tick later.
          if (stack.driveRoots(MeshRootDistribution.of(bootstrapSecrets, webhooks))) {
            changed |= stack.followRoots(streams, clock);
          }
        }
        if (changed) {
          rotation.passNow(); // the trust bundle's push and the re-issuance start now, not at the next pass
        }
      });
    } catch (RuntimeException e) {
      // The next tick tries again; the rotation's phase is persisted, so nothing is lost.
      LOG.log(Level.WARNING, "the root lifecycle's step failed", e);
    }
  }
}

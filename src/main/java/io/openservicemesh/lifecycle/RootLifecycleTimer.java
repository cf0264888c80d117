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
 * evidence of the cluster-wide consumers (bootstrap Secrets, webhook caBundles). Nothing happens while no
 * rotation is under way beyond one read of its state. The write lock keeps ticks from overlapping.
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
  @Inject Clock clock;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void tick() {
    try {
      running.stack().ifPresent(stack -> {
        stack.followRoots(streams, clock);
        if (leadership.leading()) {
          stack.driveRoots(MeshRootDistribution.of(bootstrapSecrets, webhooks));
        }
      });
    } catch (RuntimeException e) {
      // The next tick tries again; the rotation's phase is persisted, so nothing is lost.
      LOG.log(Level.WARNING, "the root lifecycle's step failed", e);
    }
  }
}

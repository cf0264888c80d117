package io.openservicemesh.lifecycle;

import io.openservicemesh.bootstrap.BootstrapSecretKeeper;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives the upkeep of bootstrap Secrets every five seconds: this replica's Secrets waiting for their pods,
 * and, while it leads, the renewal of every live proxy's credential. Like the issuer's upkeep, a tick does
 * nothing until something is due, and a slow round makes the next ticks skip rather than pile up.
 */
@Singleton
@Lock(LockType.READ)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class BootstrapUpkeepTimer {

  private static final Logger LOG = Logger.getLogger(BootstrapUpkeepTimer.class.getName());

  @Inject BootstrapSecretKeeper keeper;
  @Inject ClusterLeadership leadership;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void tick() {
    try {
      keeper.pass(leadership.leading());
    } catch (RuntimeException e) {
      // The next tick tries again; a failure must not cancel the schedule.
      LOG.log(Level.WARNING, "the upkeep of bootstrap Secrets failed", e);
    }
  }
}

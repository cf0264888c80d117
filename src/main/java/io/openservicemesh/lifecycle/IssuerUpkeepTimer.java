package io.openservicemesh.lifecycle;

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
 * Drives the running issuer backend's upkeep every five seconds (Vault: token renewal and CA refresh; Tresor:
 * its CA Secret kept in place). Each round does nothing until something is due, so the tick only bounds how late
 * it can be. A read lock lets a tick start while a slow one still runs; the backends skip overlapping rounds. No
 * transaction: the work is calls to Vault or the API server, which a transaction would only put under its
 * timeout.
 */
@Singleton
@Lock(LockType.READ)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class IssuerUpkeepTimer {

  private static final Logger LOG = Logger.getLogger(IssuerUpkeepTimer.class.getName());

  @Inject RunningControlPlane running;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void tick() {
    try {
      running.stack().ifPresent(CertificateStack::upkeep);
    } catch (RuntimeException e) {
      // The next tick tries again; an upkeep failure must not cancel the schedule.
      LOG.log(Level.WARNING, "the issuer's upkeep failed", e);
    }
  }
}

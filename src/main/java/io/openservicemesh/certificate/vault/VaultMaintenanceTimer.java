package io.openservicemesh.certificate.vault;

import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/**
 * Drives the Vault issuer's upkeep (token renewal, CA refresh) every five seconds on the EJB timer
 * service that already drives start-up. Each round does nothing until something is due, so the tick
 * only bounds how late a renewal can be. A read lock lets a tick start while a slow one still runs;
 * the session itself skips overlapping rounds. No transaction: the work is HTTP calls to Vault, which a
 * transaction would only put under its timeout.
 */
@Singleton
@Lock(LockType.READ)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class VaultMaintenanceTimer {

  @Inject VaultBackend backend;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void tick() {
    backend.maintain();
  }
}

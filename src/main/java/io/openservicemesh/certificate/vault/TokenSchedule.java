package io.openservicemesh.certificate.vault;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a Vault token: after two thirds of its lease, as Vault's own clients (its API
 * lifetime watcher, Vault Agent) do. A third of the lease is left for retries: a Vault that is away
 * for less than that costs nothing.
 */
final class TokenSchedule {

  private TokenSchedule() {}

  static Instant renewAt(Instant obtainedAt, Instant expiresAt) {
    Duration lease = Duration.between(obtainedAt, expiresAt);
    if (lease.isNegative() || lease.isZero()) {
      return obtainedAt;
    }
    return obtainedAt.plus(lease.multipliedBy(2).dividedBy(3));
  }
}

package io.openservicemesh.certificate.vault;

import io.openservicemesh.schedule.Backoff;
import java.time.Duration;

/**
 * How often one Vault request is tried before its failure is reported, and how long to wait
 * between tries. The default bounds a request to about four timeouts plus seven seconds: long
 * enough to ride out a Vault leader election or a brief seal, short enough that a caller waiting
 * for a certificate (a webhook with its 10-30 s deadline) hears back.
 */
record RetryPolicy(int maxAttempts, Backoff backoff) {

  static final RetryPolicy DEFAULT =
      new RetryPolicy(4, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4)));

  RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt, got " + maxAttempts);
    }
  }
}

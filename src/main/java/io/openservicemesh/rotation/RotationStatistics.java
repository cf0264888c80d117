package io.openservicemesh.rotation;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the rotation, ready to be exported as metrics: each getter reads one {@link AtomicLong}.
 * Counters only grow; {@link #overdueNow()} is a gauge.
 */
public final class RotationStatistics {

  private final AtomicLong renewals = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong overdue = new AtomicLong();
  private final AtomicLong superseded = new AtomicLong();
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong overdueNow = new AtomicLong();

  /** Certificates replaced by a renewal. */
  public long renewals() {
    return renewals.get();
  }

  /** Renewal attempts that failed (each is retried with backoff). */
  public long failures() {
    return failures.get();
  }

  /** Times a certificate became overdue: near or past its expiry with no successor. */
  public long overdue() {
    return overdue.get();
  }

  /** Renewals whose result was not used: the identity was released or re-issued meanwhile. */
  public long superseded() {
    return superseded.get();
  }

  /** Rotation passes run. */
  public long passes() {
    return passes.get();
  }

  /** Certificates overdue at the last pass. */
  public long overdueNow() {
    return overdueNow.get();
  }

  void renewed() {
    renewals.incrementAndGet();
  }

  void failed() {
    failures.incrementAndGet();
  }

  void becameOverdue(int certificates) {
    overdue.addAndGet(certificates);
  }

  void supersededRenewal() {
    superseded.incrementAndGet();
  }

  void passRan() {
    passes.incrementAndGet();
  }

  void overdueNow(int certificates) {
    overdueNow.set(certificates);
  }

  @Override
  public String toString() {
    return "RotationStatistics[renewals=" + renewals + ", failures=" + failures + ", overdue=" + overdue
        + ", overdueNow=" + overdueNow + ", superseded=" + superseded + ", passes=" + passes + "]";
  }
}

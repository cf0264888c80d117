package io.openservicemesh.rotation;

import java.time.Duration;

/**
 * How hard rotation may push the CA when many certificates fall due together (ten thousand proxies started
 * in one rollout, or a CA back after an outage): at most {@code concurrency} issuances at once, and at most
 * {@code perPass} renewals claimed or under way per pass. The rest wait in the schedule, soonest first, for
 * the next pass; none is forgotten, and the renewed ones draw a fresh jitter so the wave does not return.
 *
 * @param concurrency issuances running at the same time
 * @param perPass most renewals claimed or still under way after a pass
 */
public record RotationLimits(int concurrency, int perPass) {

  /**
   * Renewals per second the budget allows by default. For a remote CA (Vault, cert-manager) that is as
   * much load as one control plane should put on it; the built-in CA signs P-256 leaves faster than that.
   */
  public static final int DEFAULT_RENEWALS_PER_SECOND = 200;
  /** Issuances at once by default: enough to overlap a remote CA's latency, few enough to spare the CPUs. */
  public static final int DEFAULT_CONCURRENCY = 4;

  public RotationLimits {
    if (concurrency < 1 || perPass < 1) {
      throw new IllegalArgumentException("concurrency and perPass must be at least 1, got " + concurrency
          + ", " + perPass);
    }
  }

  /** The default limits for passes {@code checkInterval} apart: {@value #DEFAULT_RENEWALS_PER_SECOND}/s. */
  public static RotationLimits forInterval(Duration checkInterval) {
    long perPass = Math.max(DEFAULT_CONCURRENCY,
        checkInterval.toMillis() * DEFAULT_RENEWALS_PER_SECOND / 1000);
    return new RotationLimits(DEFAULT_CONCURRENCY, (int) Math.min(perPass, Integer.MAX_VALUE));
  }
}

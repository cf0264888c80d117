package io.openservicemesh.injector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many bootstrap Secrets (and so credentials) the injector makes per namespace: a burst, then a steady rate,
 * per namespace (a token bucket). Scaling a Deployment to a hundred pods fits the burst; a flood of admission
 * requests, real or forged, cannot make the control plane sign and write without bound into one namespace. A
 * refused pod is retried by its controller.
 */
public final class SecretCreationLimit {

  /** Defaults: 100 at once, then 10 per second, per namespace. */
  static final int BURST = 100;
  static final double PER_SECOND = 10;
  /** Enough namespaces for any cluster; past it the buckets start afresh rather than grow without bound. */
  static final int MAX_NAMESPACES = 10_000;

  private record Bucket(double tokens, Instant at) {}

  private final int burst;
  private final double perSecond;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public SecretCreationLimit(Clock clock) {
    this(BURST, PER_SECOND, clock);
  }

  SecretCreationLimit(int burst, double perSecond, Clock clock) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.clock = clock;
  }

  /** Takes one creation for {@code namespace}; false when its budget is spent for now. */
  boolean tryAcquire(String namespace) {
    if (buckets.size() >= MAX_NAMESPACES) {
      buckets.clear();
    }
    Instant now = clock.instant();
    boolean[] granted = {false};
    buckets.compute(namespace, (ns, bucket) -> {
      double tokens = bucket == null ? burst : Math.min(burst,
          bucket.tokens() + perSecond * Duration.between(bucket.at(), now).toNanos() / 1e9);
      granted[0] = tokens >= 1;
      return new Bucket(granted[0] ? tokens - 1 : tokens, now);
    });
    return granted[0];
  }

  String describe() {
    return burst + " at once, then " + (long) perSecond + " per second";
  }
}

package io.openservicemesh.k8s;

/**
 * Whether this replica is the one that does cluster-wide work that must happen once: several replicas are the
 * normal deployment, and each asks before such a pass. A replica that loses leadership stops within the lease's
 * renew deadline, before another can take the lease; writes still carry resourceVersions, so a pass that overlaps
 * a change of leader conflicts rather than overwrites.
 */
@FunctionalInterface
public interface Leadership {

  /** No Kubernetes API, no other replicas to share with: this replica does everything. */
  Leadership SOLE_REPLICA = () -> true;

  boolean leading();
}

package io.openservicemesh.certificate;

import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * An issuer whose root can change while it runs (Tresor's root rotation, an operator's new CA): every replica
 * follows the persisted state of the change, and the one replica that leads drives it forward. Optional: an
 * issuer whose roots belong to someone else (Vault, cert-manager) has none, and its roots are followed by the
 * trust-bundle event alone.
 */
public interface RootLifecycle {

  /**
   * Every replica, every few seconds: reads the persisted state, signs and trusts accordingly, and reports
   * what this replica still waits for (its SDS streams, its cached certificates).
   *
   * @param local the evidence this replica can give
   * @return the root this replica signs with now
   */
  X509Certificate follow(RootDistribution local);

  /**
   * The leading replica only: starts a rotation when one is due or asked for, and moves it to its next step
   * once every replica and every cluster-wide consumer shows the evidence that step needs.
   *
   * @param clusterWide the evidence only the leader gathers (bootstrap Secrets, webhook configurations)
   * @return whether it took a step (started, moved on or ended a change), which this replica should follow now
   */
  boolean drive(RootDistribution clusterWide);

  /** The readiness report's entries: the rotation's phase and what it waits for. */
  Map<String, String> details();

  /**
   * This replica stops: its report is withdrawn, so the leader does not wait for a replica that is gone until
   * its report expires. Best effort: a crash leaves the report to expire.
   */
  void withdraw();
}

package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.RootLifecycle;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.events.EventReason;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * The root lifecycle of an external CA (Vault, cert-manager): every replica trusts as the persisted change says,
 * the leader changes the mesh's roots publish-first when the CA names others. The CA decides what signs; this
 * decides what the mesh trusts, when everything is re-issued, and when a root the CA dropped is trusted no more.
 */
public final class ExternalRootLifecycle implements RootLifecycle {

  private static final Logger LOG = Logger.getLogger(ExternalRootLifecycle.class.getName());

  private final ExternalTrust trust;
  private final ExternalRootFollower follower;
  private final ExternalRootDriver driver;
  private volatile Optional<ExternalRootChange> followed = Optional.empty();

  private ExternalRootLifecycle(ExternalTrust trust, ExternalRootFollower follower, ExternalRootDriver driver) {
    this.trust = trust;
    this.follower = follower;
    this.driver = driver;
  }

  /**
   * Applies the persisted state to {@code trust} at once, so a replica that starts mid-change trusts both sides
   * from its first certificate on.
   *
   * @param events records a Kubernetes Event on the CA Secret
   */
  public static ExternalRootLifecycle start(RotationStateStore state, RootSource source, ExternalTrust trust,
      String replica, Clock clock, BiConsumer<EventReason, String> events) {
    ExternalRootFollower follower = new ExternalRootFollower(state, trust, replica, clock);
    follower.applyPersisted();
    return new ExternalRootLifecycle(trust, follower, new ExternalRootDriver(state, source, trust, clock, events));
  }

  @Override
  public X509Certificate follow(RootDistribution local) {
    followed = follower.follow(local);
    return trust.signing();
  }

  @Override
  public boolean drive(RootDistribution clusterWide) {
    try {
      return driver.drive(clusterWide);
    } catch (CaStoreException e) {
      LOG.warning(() -> "the root change cannot take its next step now: " + e.getMessage());
      return false;
    }
  }

  @Override
  public void withdraw() {
    follower.withdraw();
  }

  @Override
  public Map<String, String> details() {
    RootChangeDetails details =
        new RootChangeDetails(trust.signing().getSerialNumber().toString(16), trust.roots().size());
    followed.ifPresent(change -> details.changing(change.phase().configName(), "", change.phaseSince(),
        String.join(",", change.incoming().stream().map(root -> root.getSerialNumber().toString(16)).toList())));
    return details.waiting(follower.lastReport(), driver.waiting())
        .problems(driver.refusal(), follower.lastProblem())
        .map();
  }
}

package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.RootLifecycle;
import io.openservicemesh.certificate.rootchange.RootChangeDetails;
import io.openservicemesh.certificate.store.CaStoreException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** Tresor's root lifecycle: every replica follows the persisted rotation, the leader drives it. */
final class TresorRootLifecycle implements RootLifecycle {

  private static final Logger LOG = Logger.getLogger(TresorRootLifecycle.class.getName());

  private final TresorIssuer issuer;
  private final RootRotationFollower follower;
  private final RootRotationDriver driver;
  private volatile Optional<RootRotation> followed = Optional.empty();

  TresorRootLifecycle(TresorIssuer issuer, RootRotationFollower follower, RootRotationDriver driver) {
    this.issuer = issuer;
    this.follower = follower;
    this.driver = driver;
  }

  @Override
  public X509Certificate follow(RootDistribution local) {
    followed = follower.follow(local);
    return issuer.roots().signing().certificate();
  }

  @Override
  public boolean drive(RootDistribution clusterWide) {
    try {
      return driver.drive(clusterWide);
    } catch (CaStoreException e) {
      // The next pass tries again; the persisted phase is where it left off.
      LOG.warning(() -> "the root rotation cannot take its next step now: " + e.getMessage());
      return false;
    }
  }

  @Override
  public void withdraw() {
    follower.withdraw();
  }

  @Override
  public Map<String, String> details() {
    TresorRoots roots = issuer.roots();
    RootChangeDetails details = new RootChangeDetails(roots.signing().serialHex(), roots.trusted().size());
    followed.ifPresent(rotation -> details.changing(rotation.phase().configName(), rotation.reason(),
        rotation.phaseSince(), rotation.incoming().serialHex()));
    return details.waiting(follower.lastReport(), driver.waiting())
        .problems(driver.refusal(), follower.lastProblem())
        .map();
  }
}

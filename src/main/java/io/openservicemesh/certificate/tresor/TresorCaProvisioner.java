package io.openservicemesh.certificate.tresor;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Gets Tresor its root at start-up: loads the stored bundle when there is one (never making a throw-away
 * root first, as OSM did), otherwise makes one and stores it atomically, loading the winner's when another
 * replica stored first.
 */
public final class TresorCaProvisioner {

  private static final Logger LOG = Logger.getLogger(TresorCaProvisioner.class.getName());

  /** How the root was obtained. */
  public enum Outcome { LOADED, CREATED, LOADED_AFTER_RACE }

  /** The root and how it was obtained. */
  public record ProvisionedCa(CaBundle bundle, Outcome outcome) {}

  private final CaBundleStore store;
  private final KeySpec caKey;
  private final Duration caValidity;
  private final Duration clockSkewAllowance;
  private final Clock clock;

  public TresorCaProvisioner(
      CaBundleStore store, KeySpec caKey, Duration caValidity, Duration clockSkewAllowance, Clock clock) {
    this.store = store;
    this.caKey = caKey;
    this.caValidity = caValidity;
    this.clockSkewAllowance = clockSkewAllowance;
    this.clock = clock;
  }

  public ProvisionedCa provision() throws CaStoreException, BrokenCaBundleException {
    Optional<StoredCaBundle> existing = store.load();
    if (existing.isPresent()) {
      return new ProvisionedCa(decode(existing.get()), Outcome.LOADED);
    }
    CaBundle fresh = RootCertificateFactory.create(caKey, caValidity, clock.instant(), clockSkewAllowance);
    StoredCaBundle mine = CaBundleCodec.encode(fresh);
    StoredCaBundle stored = store.createIfAbsent(mine);
    if (stored.equals(mine)) {
      return new ProvisionedCa(fresh, Outcome.CREATED);
    }
    return new ProvisionedCa(decode(stored), Outcome.LOADED_AFTER_RACE);
  }

  private CaBundle decode(StoredCaBundle stored) throws BrokenCaBundleException {
    CaBundle bundle = CaBundleCodec.decode(stored, store.location(), clock.instant());
    CaBundleCodec.staleExpiration(stored, bundle).ifPresent(written -> LOG.warning(() -> store.location()
        + ": key " + StoredCaBundle.EXPIRATION + " says " + written + " but the certificate expires at "
        + bundle.notAfter() + "; the certificate's expiry is used"));
    return bundle;
  }
}

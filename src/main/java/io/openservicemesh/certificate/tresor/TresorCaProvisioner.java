package io.openservicemesh.certificate.tresor;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviders;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Gets Tresor its root at start-up: loads the stored bundle when there is one (never making a throw-away
 * root first, as OSM did), otherwise makes one and stores it atomically, loading the winner's when another
 * replica stored first. A missing bundle where the mesh's roots are still published elsewhere (see {@link
 * PublishedMeshRoots}) is refused rather than replaced: a new root would silently cut off every proxy.
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
  private final Optional<PublishedRoots> published;
  private final CryptoProvider crypto;

  /** The mesh's roots exist elsewhere while the store is empty: making a new root would cut off every proxy. */
  static final class ExistingMeshException extends Exception {
    ExistingMeshException(String message) {
      super(message);
    }
  }

  public TresorCaProvisioner(
      CaBundleStore store, KeySpec caKey, Duration caValidity, Duration clockSkewAllowance, Clock clock) {
    this(store, caKey, caValidity, clockSkewAllowance, clock, Optional.empty(), CryptoProviders.BOUNCYCASTLE);
  }

  /** @param crypto makes and self-signs a new root's key */
  TresorCaProvisioner(CaBundleStore store, KeySpec caKey, Duration caValidity, Duration clockSkewAllowance,
      Clock clock, Optional<PublishedRoots> published, CryptoProvider crypto) {
    this.store = store;
    this.caKey = caKey;
    this.caValidity = caValidity;
    this.clockSkewAllowance = clockSkewAllowance;
    this.clock = clock;
    this.published = published;
    this.crypto = crypto;
  }

  public ProvisionedCa provision() throws CaStoreException, BrokenCaBundleException, ExistingMeshException {
    Optional<StoredCaBundle> existing = store.load();
    if (existing.isPresent()) {
      return new ProvisionedCa(decode(existing.get()), Outcome.LOADED);
    }
    refuseOverAnExistingMesh();
    CaBundle fresh = RootCertificateFactory.create(caKey, caValidity, clock.instant(), clockSkewAllowance, crypto);
    StoredCaBundle mine = CaBundleCodec.encode(fresh);
    StoredCaBundle stored = store.createIfAbsent(mine);
    if (stored.equals(mine)) {
      return new ProvisionedCa(fresh, Outcome.CREATED);
    }
    return new ProvisionedCa(decode(stored), Outcome.LOADED_AFTER_RACE);
  }

  private void refuseOverAnExistingMesh() throws CaStoreException, ExistingMeshException {
    if (published.isEmpty()) {
      return;
    }
    Optional<String> roots = published.get().find();
    if (roots.isPresent()) {
      throw new ExistingMeshException(store.location() + " is missing, but this mesh has a root already ("
          + published.get().where() + " holds " + describe(roots.get()) + "); a new root would leave every"
          + " running proxy unable to reach the control plane. Restore the Secret (ca.crt, private.key,"
          + " expiration) from a backup. To start a new mesh on purpose, delete that webhook configuration first,"
          + " then restart every meshed pod once the control plane is ready");
    }
  }

  private static String describe(String pem) {
    try {
      java.security.cert.X509Certificate root = io.openservicemesh.certificate.Pem.decodeCertificate(pem);
      return root.getSubjectX500Principal().getName() + ", serial " + root.getSerialNumber().toString(16);
    } catch (io.openservicemesh.certificate.Pem.PemException e) {
      return "roots that are not readable PEM";
    }
  }

  private CaBundle decode(StoredCaBundle stored) throws BrokenCaBundleException {
    CaBundle bundle = CaBundleCodec.decode(stored, store.location(), clock.instant());
    CaBundleCodec.staleExpiration(stored, bundle).ifPresent(written -> LOG.warning(() -> store.location()
        + ": key " + StoredCaBundle.EXPIRATION + " says " + written + " but the certificate expires at "
        + bundle.notAfter() + "; the certificate's expiry is used"));
    return bundle;
  }
}

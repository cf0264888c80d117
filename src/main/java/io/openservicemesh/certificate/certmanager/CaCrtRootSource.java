package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.certificate.rootchange.RootSource;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/**
 * The roots an operator names for cert-manager's issuer: {@code ca.crt} of the CA bundle Secret, read again on
 * each pass of the leader, so a changed Secret is noticed without a restart. The first certificate is the root
 * the issuer signs with.
 */
final class CaCrtRootSource implements RootSource {

  private final CaBundleStore store;
  private final String namespace;
  private final String secretName;
  private final Clock clock;

  CaCrtRootSource(CaBundleStore store, String namespace, String secretName, Clock clock) {
    this.store = store;
    this.namespace = namespace;
    this.secretName = secretName;
    this.clock = clock;
  }

  @Override
  public String location() {
    return store.location();
  }

  @Override
  public List<X509Certificate> roots() throws RefusedRootsException, CaStoreException {
    try {
      return MeshRoots.load(store, namespace, secretName, clock.instant()).certificates();
    } catch (MeshRoots.UnavailableException e) {
      throw new RefusedRootsException(e.getMessage());
    }
  }
}

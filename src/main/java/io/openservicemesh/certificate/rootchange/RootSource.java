package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.store.CaStoreException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where an external CA says which roots its certificates chain to: {@code ca.crt} of the CA bundle Secret for
 * cert-manager, the PKI mount's CA for Vault. What it names may change while the mesh runs; the leader reads it
 * on each pass and changes the mesh's roots publish-first when it does.
 */
public interface RootSource {

  /** For messages, e.g. {@code Secret osm-system/osm-ca-bundle}. */
  String location();

  /**
   * The roots named now, the one the CA signs with first; each checked (a CA, valid now).
   *
   * @throws RefusedRootsException when what is there cannot be used: the message names the problem and the fix
   * @throws CaStoreException when it cannot be read now; the next pass tries again
   */
  List<X509Certificate> roots() throws RefusedRootsException, CaStoreException;

  /** Roots that are there but unusable (garbage, expired, not a CA): refused, and the roots in use stay. */
  final class RefusedRootsException extends Exception {
    public RefusedRootsException(String message) {
      super(message);
    }
  }
}

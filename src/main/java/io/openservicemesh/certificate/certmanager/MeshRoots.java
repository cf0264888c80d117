package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.certificate.CaCertificates;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The roots mesh certificates chain to when cert-manager signs them: {@code ca.crt} of the CA bundle Secret,
 * where the operator stores the issuer's root certificate (the mission's manual step). The control plane holds
 * no CA key in this mode; {@code ca.crt} may hold several roots while one replaces another.
 *
 * @param certificates every certificate of ca.crt, each a CA valid now
 * @param pem ca.crt re-encoded: what peers and the webhooks' caBundle trust
 * @param location where they were read, e.g. {@code Secret osm-system/osm-ca-bundle}
 */
record MeshRoots(List<X509Certificate> certificates, String pem, String location) {

  MeshRoots {
    certificates = List.copyOf(certificates);
  }

  /** The root shown in readiness: the first of ca.crt. */
  X509Certificate first() {
    return certificates.get(0);
  }

  /** A Secret that is missing or unusable; the message says how to make it right. */
  static final class UnavailableException extends Exception {
    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The mission's command that stores the root, run in the directory holding the issuer's {@code ca.crt}.
   */
  static String createCommand(String namespace, String secretName) {
    return "kubectl create secret -n " + namespace + " generic " + secretName + " --from-file ca.crt";
  }

  /**
   * Loads and checks the roots of the Secret {@code namespace/secretName}, read through {@code store}.
   *
   * @throws CaStoreException when the store cannot be read (API unreachable, forbidden)
   */
  static MeshRoots load(CaBundleStore store, String namespace, String secretName, Instant now)
      throws CaStoreException, UnavailableException {
    String createCommand = createCommand(namespace, secretName);
    Optional<StoredCaBundle> stored = store.load();
    if (stored.isEmpty()) {
      throw new UnavailableException(store.location() + " does not exist. Store the root CA certificate of"
          + " your cert-manager issuer in it, at the key " + StoredCaBundle.CA_CRT + ": " + createCommand, null);
    }
    List<String> problems = new ArrayList<>();
    List<X509Certificate> roots = new ArrayList<>();
    String caCrt = stored.get().caCrt();
    if (caCrt == null || caCrt.isBlank()) {
      problems.add("key " + StoredCaBundle.CA_CRT + " is missing");
    } else {
      try {
        List<X509Certificate> all = Pem.decodeCertificates(caCrt);
        for (int i = 0; i < all.size(); i++) {
          // The same checks as for any CA bundle's certificate; beyond the first, each problem says which.
          String which = i == 0 ? "" : " (certificate " + (i + 1) + " of " + StoredCaBundle.CA_CRT + ")";
          List<String> found = CaCertificates.problems(all.get(i), StoredCaBundle.CA_CRT, now);
          found.forEach(problem -> problems.add(problem + which));
          if (found.isEmpty()) {
            roots.add(all.get(i));
          }
        }
      } catch (PemException e) {
        problems.add(StoredCaBundle.CA_CRT + " is not a PEM certificate (" + e.getMessage() + ")");
      }
    }
    if (!problems.isEmpty()) {
      // Not the built-in CA's advice: deleting the Secret makes no new root in this mode.
      throw new UnavailableException(store.location() + " is unusable: " + String.join("; ", problems)
          + ". It must hold your cert-manager issuer's root CA certificate at the key " + StoredCaBundle.CA_CRT
          + "; replace it: kubectl delete secret -n " + namespace + " " + secretName + ", then " + createCommand,
          null);
    }
    return new MeshRoots(roots, Pem.encode(roots), store.location());
  }
}

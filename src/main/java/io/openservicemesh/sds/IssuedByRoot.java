package io.openservicemesh.sds;

import io.openservicemesh.certificate.Pem;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a certificate chain, as SDS delivered it, was issued by one root: the leaf is signed by the root, or
 * by an intermediate of the same chain that leads to it link by link. Issuer names alone do not decide it, since
 * a replacement root usually has the same subject as the root it replaces; every link's signature is checked.
 *
 * <p>Used for one evidence call: the verdict is kept per chain, because thousands of streams share each
 * identity's chain (the same String), so each is parsed and verified once.
 */
final class IssuedByRoot {

  private final X509Certificate root;
  private final Map<String, Boolean> verdicts = new HashMap<>();

  IssuedByRoot(X509Certificate root) {
    this.root = root;
  }

  boolean test(String chainPem) {
    return chainPem != null && verdicts.computeIfAbsent(chainPem, this::verify);
  }

  /** The root in words an operator recognises: its subject and serial. */
  String describeRoot() {
    return "a certificate issued by root " + root.getSubjectX500Principal().getName() + " (serial "
        + root.getSerialNumber().toString(16) + ")";
  }

  private boolean verify(String chainPem) {
    List<X509Certificate> chain;
    try {
      chain = Pem.decodeCertificates(chainPem);
    } catch (Pem.PemException e) {
      return false;
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      if (signedBy(certificate, root)) {
        return true;
      }
      if (i + 1 == chain.size() || !signedBy(certificate, chain.get(i + 1))) {
        return false;
      }
    }
    return false;
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}

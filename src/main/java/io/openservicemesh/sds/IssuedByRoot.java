package io.openservicemesh.sds;

import io.openservicemesh.certificate.IssuedBy;
import io.openservicemesh.certificate.Pem;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a certificate chain, as SDS delivered it, was issued by one root ({@link IssuedBy}), from its PEM.
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
    try {
      return IssuedBy.root(Pem.decodeCertificates(chainPem), root);
    } catch (Pem.PemException e) {
      return false;
    }
  }
}

package io.openservicemesh.bootstrap;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.identity.CertificateNames;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The xDS client credential read back from a bootstrap Secret, as far as renewal needs it: the certificate's
 * names and lifetime, which roots were written beside it, and whether the mesh's roots issued it.
 */
record StoredCredential(List<X509Certificate> chain, String privateKeyPem, String trustedRootsPem) {

  /** Empty when the Secret lacks the files or they are not PEM: such a Secret gets a whole new credential. */
  static Optional<StoredCredential> of(StoredBootstrapSecret secret) {
    byte[] chain = secret.files().get(BootstrapFiles.CERTIFICATE_CHAIN);
    byte[] key = secret.files().get(BootstrapFiles.PRIVATE_KEY);
    byte[] roots = secret.files().get(BootstrapFiles.TRUSTED_ROOTS);
    if (chain == null || key == null || roots == null) {
      return Optional.empty();
    }
    try {
      List<X509Certificate> certificates = Pem.decodeCertificates(new String(chain, StandardCharsets.UTF_8));
      if (certificates.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new StoredCredential(certificates, new String(key, StandardCharsets.UTF_8),
          new String(roots, StandardCharsets.UTF_8)));
    } catch (PemException e) {
      return Optional.empty();
    }
  }

  X509Certificate leaf() {
    return chain.get(0);
  }

  Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  String commonName() {
    return CertificateNames.commonName(leaf());
  }

  /**
   * Whether the top of the chain is one of these roots or is signed by one: only a credential the mesh issued is
   * renewed, so a second mesh in the cluster (or a Secret someone wrote by hand) is left alone. Validity is not
   * asked: an expired credential of the mesh is exactly one to renew.
   */
  boolean issuedUnder(List<X509Certificate> roots) {
    X509Certificate top = chain.get(chain.size() - 1);
    for (X509Certificate root : roots) {
      if (root.equals(top)) {
        return true;
      }
      if (root.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
        try {
          top.verify(root.getPublicKey());
          return true;
        } catch (GeneralSecurityException notThisRoot) {
          // another root of the same name (a root being replaced): try the next
        }
      }
    }
    return false;
  }

  BootstrapFiles.Credential withRoots(String rootsPem) {
    return new BootstrapFiles.Credential(Pem.encode(chain), privateKeyPem, rootsPem);
  }

  @Override
  public String toString() {
    return "StoredCredential[" + commonName() + ", notAfter=" + notAfter() + ", privateKey=<redacted>]";
  }
}

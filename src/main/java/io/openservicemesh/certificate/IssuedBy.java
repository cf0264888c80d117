package io.openservicemesh.certificate;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * Whether a chain was issued under a given root: the evidence a root rotation counts. Two roots of one mesh usually
 * share their subject (a rotated root keeps its name), so names alone decide nothing: the key identifiers do when
 * both certificates carry them (a byte comparison, cheap enough for every cached certificate on every check of a
 * rotation), and the signature does otherwise.
 */
public final class IssuedBy {

  private IssuedBy() {}

  /**
   * Whether the chain leads to the root link by link: some certificate of it was issued by the root, and each one
   * before it by the next.
   *
   * @param chain the leaf first, then any intermediates (the root itself may end it)
   */
  public static boolean root(List<X509Certificate> chain, X509Certificate root) {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      if (certificate.equals(root) || issued(root, certificate)) {
        return true;
      }
      if (i + 1 == chain.size() || !issued(chain.get(i + 1), certificate)) {
        return false;
      }
    }
    return false;
  }

  /** Whether {@code issuer} issued {@code certificate}: by name, then by key identifiers or else the signature. */
  private static boolean issued(X509Certificate issuer, X509Certificate certificate) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    byte[] authorityKeyId = authorityKeyId(certificate);
    byte[] issuerKeyId = subjectKeyId(issuer);
    if (authorityKeyId != null && issuerKeyId != null) {
      return Arrays.equals(authorityKeyId, issuerKeyId);
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException otherKey) {
      return false;
    }
  }

  private static byte[] authorityKeyId(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    return extension == null ? null
        : AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getKeyIdentifier();
  }

  private static byte[] subjectKeyId(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    return extension == null ? null
        : SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getKeyIdentifier();
  }
}

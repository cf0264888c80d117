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
 * Whether a chain was issued under a given root. Two roots of one mesh usually share their subject (a rotated
 * root keeps its name), so the name alone decides nothing: the key identifiers do when both certificates carry
 * them (a byte comparison, cheap enough for every cached certificate on every check of a root rotation), and
 * the signature does otherwise.
 */
public final class IssuedBy {

  private IssuedBy() {}

  /** @param chain the leaf first, then any intermediates; the last one is the one a root must have signed */
  public static boolean root(List<X509Certificate> chain, X509Certificate root) {
    X509Certificate top = chain.get(chain.size() - 1);
    if (top.equals(root)) {
      return true;
    }
    if (!top.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
      return false;
    }
    byte[] authorityKeyId = authorityKeyId(top);
    byte[] rootKeyId = subjectKeyId(root);
    if (authorityKeyId != null && rootKeyId != null) {
      return Arrays.equals(authorityKeyId, rootKeyId);
    }
    try {
      top.verify(root.getPublicKey());
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

package io.openservicemesh.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/** Reads the key identifier extensions of a certificate, failing the test when one is absent. */
public final class KeyIds {

  private KeyIds() {}

  public static byte[] subjectKeyId(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    assertThat(extension)
        .as("subject key identifier of " + certificate.getSubjectX500Principal())
        .isNotNull();
    return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
        .getKeyIdentifier();
  }

  /** The keyIdentifier field of the authority key identifier. */
  public static byte[] authorityKeyId(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    assertThat(extension)
        .as("authority key identifier of " + certificate.getSubjectX500Principal())
        .isNotNull();
    return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
        .getKeyIdentifier();
  }
}

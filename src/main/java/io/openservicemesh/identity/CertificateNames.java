package io.openservicemesh.identity;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Reads names out of certificates. */
public final class CertificateNames {

  private CertificateNames() {}

  /** The subject's (first) common name, or an empty string when it has none. */
  public static String commonName(X509Certificate certificate) {
    List<String> names = commonNames(certificate);
    return names.isEmpty() ? "" : names.get(0);
  }

  /**
   * Every common name of the subject, in order. Each is the CN attribute's own value: an RDN may hold several
   * attributes (CN=...+OU=...), and its first need not be the CN.
   */
  public static List<String> commonNames(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    List<String> names = new ArrayList<>();
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
        if (attribute.getType().equals(BCStyle.CN)) {
          names.add(IETFUtils.valueToString(attribute.getValue()));
        }
      }
    }
    return names;
  }
}

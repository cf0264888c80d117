package io.openservicemesh.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.jcajce.interfaces.BCX509Certificate;

/** Reads names out of certificates. */
public final class CertificateNames {

  private CertificateNames() {}

  /** GeneralName tags of RFC 5280 as the JDK reports them. */
  public static final int DNS_NAME = 2;
  public static final int URI = 6;
  private static final String SUBJECT_ALTERNATIVE_NAME = "2.5.29.17";

  /**
   * The subject alternative names of one type ({@link #DNS_NAME}, {@link #URI}), in order.
   *
   * @throws IllegalArgumentException when the extension is present but cannot be read: the JDK then reports no
   *     names at all, which must not pass for a certificate without any
   */
  public static List<String> subjectAltNames(X509Certificate certificate, int type) {
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans == null) {
        if (certificate.getExtensionValue(SUBJECT_ALTERNATIVE_NAME) != null) {
          throw new IllegalArgumentException("the certificate's subject alternative names cannot be read");
        }
        return List.of();
      }
      return sans.stream().filter(san -> (Integer) san.get(0) == type).map(san -> String.valueOf(san.get(1))).toList();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException(
          "the certificate's subject alternative names cannot be read: " + e.getMessage());
    }
  }

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
    // A certificate BouncyCastle made or parsed holds its subject decoded already; the JDK's X500Principal would be
    // built from it only to be encoded and decoded again (about 4 % of a service certificate's issuance time).
    X500Name subject = certificate instanceof BCX509Certificate decoded
        ? decoded.getSubjectX500Name()
        : X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
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

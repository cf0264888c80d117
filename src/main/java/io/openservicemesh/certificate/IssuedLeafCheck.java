package io.openservicemesh.certificate;

import io.openservicemesh.identity.CertificateNames;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a leaf an external CA returned is the certificate that was asked for: its common name, exactly the
 * requested SANs (a name nobody asked for is an identity the mesh would hand out unknowingly), not a CA, and
 * usable for mutual TLS. The chain is checked elsewhere; this is what the chain does not say.
 */
public final class IssuedLeafCheck {

  private static final int DIGITAL_SIGNATURE = 0;
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private IssuedLeafCheck() {}

  /** @return every way the leaf differs from what was asked; empty when it is the certificate asked for */
  public static List<String> problems(
      X509Certificate leaf, String commonName, Collection<String> dnsNames, Collection<String> uris) {
    List<String> problems = new ArrayList<>();
    String issuedName = CertificateNames.commonName(leaf);
    if (!issuedName.equals(commonName)) {
      problems.add("it is for CN " + issuedName + ", not the requested " + commonName);
    }
    try {
      compare("DNS", Set.copyOf(CertificateNames.subjectAltNames(leaf, CertificateNames.DNS_NAME)), dnsNames, problems);
      compare("URI", Set.copyOf(CertificateNames.subjectAltNames(leaf, CertificateNames.URI)), uris, problems);
    } catch (IllegalArgumentException unreadable) {
      problems.add("its subject alternative names cannot be read");
    }
    if (leaf.getBasicConstraints() >= 0) {
      problems.add("it is a CA certificate (BasicConstraints CA=true), not a leaf");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage != null && !usage[DIGITAL_SIGNATURE]) {
      problems.add("its KeyUsage lacks digitalSignature, which TLS needs");
    }
    try {
      List<String> extended = leaf.getExtendedKeyUsage();
      if (extended != null && !(extended.contains(SERVER_AUTH) && extended.contains(CLIENT_AUTH))) {
        problems.add("its ExtendedKeyUsage " + extended + " lacks serverAuth or clientAuth, which mutual TLS needs");
      }
    } catch (CertificateParsingException e) {
      problems.add("its ExtendedKeyUsage cannot be read");
    }
    return problems;
  }

  private static void compare(String type, Set<String> issued, Collection<String> asked, List<String> problems) {
    Set<String> missing = new TreeSet<>(asked);
    missing.removeAll(issued);
    Set<String> unasked = new TreeSet<>(issued);
    unasked.removeAll(asked);
    if (!missing.isEmpty()) {
      problems.add("it lacks the requested " + type + " SANs " + missing);
    }
    if (!unasked.isEmpty()) {
      problems.add("it names " + type + " SANs nobody asked for " + unasked);
    }
  }
}

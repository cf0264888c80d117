package io.openservicemesh.certificate;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a certificate can serve as a mesh root now, for every place that reads one (the built-in CA's bundle,
 * cert-manager's ca.crt): the same checks and the same words wherever the certificate came from.
 */
public final class CaCertificates {

  private static final int KEY_CERT_SIGN = 5;

  private CaCertificates() {}

  /**
   * @param where how the operator knows the certificate, e.g. {@code ca.crt}
   * @return what is wrong with it; empty when it is a CA that may sign and is valid at {@code now}
   */
  public static List<String> problems(X509Certificate certificate, String where, Instant now) {
    List<String> problems = new ArrayList<>();
    if (certificate.getBasicConstraints() < 0) {
      problems.add("the certificate in " + where + " is not a CA (BasicConstraints CA=false or absent)");
    }
    boolean[] usage = certificate.getKeyUsage();
    if (usage != null && !usage[KEY_CERT_SIGN]) {
      problems.add("the certificate in " + where + " may not sign certificates (KeyUsage lacks keyCertSign)");
    }
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (!now.isBefore(notAfter)) {
      problems.add("the certificate in " + where + " expired at " + notAfter);
    }
    Instant notBefore = certificate.getNotBefore().toInstant();
    if (now.isBefore(notBefore)) {
      problems.add("the certificate in " + where + " is not valid before " + notBefore);
    }
    return problems;
  }
}

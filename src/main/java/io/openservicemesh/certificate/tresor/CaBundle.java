package io.openservicemesh.certificate.tresor;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;

/** The mesh root: its certificate and the private key Tresor signs with. toString never shows the key. */
public record CaBundle(X509Certificate certificate, PrivateKey privateKey) {

  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  public String serialHex() {
    return certificate.getSerialNumber().toString(16);
  }

  @Override
  public String toString() {
    return "CaBundle[subject=" + certificate.getSubjectX500Principal().getName() + ", serial=" + serialHex()
        + ", notAfter=" + notAfter() + ", privateKey=<redacted>]";
  }
}

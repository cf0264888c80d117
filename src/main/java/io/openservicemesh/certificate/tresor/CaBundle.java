package io.openservicemesh.certificate.tresor;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The CA Tresor signs with: its certificate, its private key and, for a bring-your-own signing intermediate (the
 * common enterprise case), the certificates above it up to the root. Leaves are signed by {@link #certificate()}
 * and carry the intermediates in their chain; peers trust {@link #trustAnchor()}. toString never shows the key.
 *
 * @param above the issuers of the signing certificate, nearest first, ending with the self-signed root; empty when
 *     the signing certificate is the root itself
 */
public record CaBundle(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> above) {

  public CaBundle {
    above = List.copyOf(above);
  }

  /** A self-signed root that signs itself. */
  public CaBundle(X509Certificate certificate, PrivateKey privateKey) {
    this(certificate, privateKey, List.of());
  }

  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  public String serialHex() {
    return certificate.getSerialNumber().toString(16);
  }

  /** The root peers must trust: the top of the chain. */
  public X509Certificate trustAnchor() {
    return above.isEmpty() ? certificate : above.get(above.size() - 1);
  }

  /** The intermediates a leaf's chain carries after the leaf: the signing certificate and those above it, without the root. */
  public List<X509Certificate> intermediates() {
    if (above.isEmpty()) {
      return List.of();
    }
    List<X509Certificate> chain = new java.util.ArrayList<>();
    chain.add(certificate);
    chain.addAll(above.subList(0, above.size() - 1));
    return List.copyOf(chain);
  }

  /**
   * The same CA, however it was written down (PEM line breaks, a PKCS#1 or PKCS#8 key) and whichever provider
   * holds its key: the certificates decide, since every bundle's key was checked against its certificate when it
   * was read, and a certificate's public key has one private key.
   */
  public boolean sameAs(CaBundle other) {
    return certificate.equals(other.certificate) && above.equals(other.above);
  }

  @Override
  public String toString() {
    return "CaBundle[subject=" + certificate.getSubjectX500Principal().getName() + ", serial=" + serialHex()
        + (above.isEmpty() ? "" : ", under " + trustAnchor().getSubjectX500Principal().getName())
        + ", notAfter=" + notAfter() + ", privateKey=<redacted>]";
  }
}

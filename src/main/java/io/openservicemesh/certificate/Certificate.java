package io.openservicemesh.certificate;

import io.openservicemesh.identity.CertificateNames;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * An issued certificate with everything its consumers need: the chain and key for serving, the issuing CA,
 * and the CAs a peer's certificate must chain to. Serial and validity are read from the certificate itself,
 * never computed from what was asked for (OSM's #5000: expiry computed from "now + requested" left Envoys
 * holding expired certificates).
 *
 * <p>{@link #toString()} never shows the private key.
 */
public final class Certificate {

  private final String commonName;
  private final List<X509Certificate> chain;
  private final String certificateChainPem;
  private final String privateKeyPem;
  private final String issuingCaPem;
  private final String trustedCasPem;
  // Read from the leaf once: X509Certificate.getNotAfter() decodes the ASN.1 time on every call (about a
  // microsecond with BouncyCastle), and every cache hit and every SDS push asks for it.
  private final Instant notBefore;
  private final Instant notAfter;

  /**
   * @param chain the leaf first, then any intermediates up to (not necessarily including) the root
   * @param privateKeyPem the leaf's private key, PEM
   * @param issuingCaPem the CA that signed the leaf
   * @param trustedCasPem the roots peers' certificates must chain to (more than one while a root rotates)
   */
  public Certificate(List<X509Certificate> chain, String privateKeyPem, String issuingCaPem, String trustedCasPem) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least the leaf");
    }
    this.chain = List.copyOf(chain);
    this.commonName = CertificateNames.commonName(chain.get(0));
    this.certificateChainPem = Pem.encode(chain);
    this.privateKeyPem = privateKeyPem;
    this.issuingCaPem = issuingCaPem;
    this.trustedCasPem = trustedCasPem;
    this.notBefore = chain.get(0).getNotBefore().toInstant();
    this.notAfter = chain.get(0).getNotAfter().toInstant();
  }

  public String commonName() {
    return commonName;
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  public String certificateChainPem() {
    return certificateChainPem;
  }

  public String privateKeyPem() {
    return privateKeyPem;
  }

  public String issuingCaPem() {
    return issuingCaPem;
  }

  public String trustedCasPem() {
    return trustedCasPem;
  }

  public BigInteger serialNumber() {
    return leaf().getSerialNumber();
  }

  /** The serial as lowercase hex, the form OpenSSL and Vault print. */
  public String serialHex() {
    return serialNumber().toString(16);
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant notAfter() {
    return notAfter;
  }

  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(notAfter());
  }

  @Override
  public String toString() {
    return "Certificate[cn=" + commonName + ", serial=" + serialHex() + ", notBefore=" + notBefore()
        + ", notAfter=" + notAfter() + ", privateKey=<redacted>]";
  }
}

package io.openservicemesh.certificate;

import io.openservicemesh.crypto.CryptoProvider;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;

/** Small pieces every X.509 certificate the mesh makes shares: subject, serial, signing. */
public final class X509Builders {

  public static final String ORGANIZATION = "Open Service Mesh";

  private static final JcaX509CertificateConverter CONVERTER =
      new JcaX509CertificateConverter().setProvider(Crypto.PROVIDER);

  private X509Builders() {}

  /** {@code CN=<cn>, O=Open Service Mesh}. */
  public static X500Name subject(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANIZATION)
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  /** A random positive 128-bit serial: unpredictable, and unique without coordination between replicas. */
  public static BigInteger randomSerial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, Crypto.random());
    } while (serial.signum() == 0);
    return serial;
  }

  public static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, Instant notBefore, Instant notAfter, PublicKey publicKey) {
    return new JcaX509v3CertificateBuilder(
        issuer, randomSerial(), Date.from(notBefore), Date.from(notAfter), subject, publicKey);
  }

  public static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 for key identifiers is not available", e);
    }
  }

  /** The certificate signed by {@code signingKey} through {@code crypto}; built and parsed by BouncyCastle. */
  public static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey, CryptoProvider crypto) {
    try {
      ContentSigner signer = crypto.contentSigner(signingKey);
      return CONVERTER.getCertificate(builder.build(signer));
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot sign a certificate with a " + signingKey.getAlgorithm() + " key", e);
    }
  }

  /** Extension helpers throw a checked exception for encoding errors that cannot happen with valid input. */
  public static IllegalStateException encodingFailure(CertIOException e) {
    return new IllegalStateException("cannot encode a certificate extension", e);
  }
}

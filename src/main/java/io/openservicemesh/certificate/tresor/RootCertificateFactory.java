package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.X509Builders;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviders;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** Makes Tresor's self-signed mesh root. */
public final class RootCertificateFactory {

  public static final String ROOT_COMMON_NAME = "osm-ca.openservicemesh.io";

  private RootCertificateFactory() {}

  /**
   * A new root: {@code CN=osm-ca.openservicemesh.io, O=Open Service Mesh}, CA=true, KeyUsage CertSign|CRLSign,
   * subject and authority key identifiers. NotBefore is backdated by the clock-skew allowance, like leaves,
   * so a replica with a slow clock does not reject a root another replica just made.
   */
  public static CaBundle create(KeySpec key, Duration validity, Instant now, Duration clockSkewAllowance) {
    return create(key, validity, now, clockSkewAllowance, CryptoProviders.BOUNCYCASTLE);
  }

  /** The same, its key made and the certificate self-signed by {@code crypto}. */
  public static CaBundle create(KeySpec key, Duration validity, Instant now, Duration clockSkewAllowance,
      CryptoProvider crypto) {
    KeyPair keyPair = crypto.generateKeyPair(key);
    X500Name name = X509Builders.subject(ROOT_COMMON_NAME);
    X509v3CertificateBuilder builder =
        X509Builders.builder(name, name, now.minus(clockSkewAllowance), now.plus(validity), keyPair.getPublic());
    JcaX509ExtensionUtils extensions = X509Builders.extensionUtils();
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(keyPair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensions.createAuthorityKeyIdentifier(keyPair.getPublic()));
    } catch (CertIOException e) {
      throw X509Builders.encodingFailure(e);
    }
    X509Certificate certificate = X509Builders.sign(builder, keyPair.getPrivate(), crypto);
    return new CaBundle(certificate, keyPair.getPrivate());
  }
}

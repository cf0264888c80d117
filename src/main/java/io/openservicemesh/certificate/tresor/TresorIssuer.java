package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.Issuer;
import io.openservicemesh.certificate.KeyPairSource;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.X509Builders;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviders;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Tresor, the built-in CA: signs leaves in process with the mesh root held in memory. Each call makes a new
 * key pair; nothing is stored here.
 */
public final class TresorIssuer implements Issuer {

  private final CaBundle ca;
  /** Read once: the certificate decodes its ASN.1 time (a date parse) on every call. */
  private final Instant caNotAfter;
  private final X500Name caName;
  private final String caPem;
  private final AuthorityKeyIdentifier authorityKeyId;
  private final Clock clock;
  private final Duration clockSkewAllowance;
  private final JcaX509ExtensionUtils extensions = X509Builders.extensionUtils();
  private final KeyPairSource keys;
  private final CryptoProvider crypto;

  /** Keys and signatures by BouncyCastle. */
  public TresorIssuer(CaBundle ca, Clock clock, Duration clockSkewAllowance) {
    this(ca, clock, clockSkewAllowance, CryptoProviders.BOUNCYCASTLE);
  }

  /** Each leaf key made on the spot by {@code crypto}, which also signs. */
  public TresorIssuer(CaBundle ca, Clock clock, Duration clockSkewAllowance, CryptoProvider crypto) {
    this(ca, clock, clockSkewAllowance, KeyPairSource.generatedBy(crypto), crypto);
  }

  /**
   * @param keys where leaf key pairs come from: a pool keeps RSA key generation off request paths
   * @param crypto what signs the leaves with the CA's key
   */
  public TresorIssuer(CaBundle ca, Clock clock, Duration clockSkewAllowance, KeyPairSource keys,
      CryptoProvider crypto) {
    this.ca = ca;
    this.caNotAfter = ca.notAfter();
    this.caName = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    this.caPem = Pem.encode(ca.certificate());
    this.authorityKeyId = authorityKeyIdOf(ca.certificate());
    this.clock = clock;
    this.clockSkewAllowance = clockSkewAllowance;
    this.keys = keys;
    this.crypto = crypto;
  }

  /**
   * A leaf: DNS SANs and URI SANs from the spec, KeyUsage DigitalSignature|KeyEncipherment, ExtKeyUsage
   * ServerAuth+ClientAuth, CA=false. NotBefore is backdated by the clock-skew allowance (OSM used "now", and
   * peers whose clocks ran slightly behind rejected fresh certificates). NotAfter never outlives the root:
   * a leaf valid past its root's expiry would fail verification anyway, and its real expiry is what the
   * rotation must see.
   */
  @Override
  public Certificate issue(CertificateSpec spec) {
    Instant now = clock.instant();
    Instant notAfter = min(now.plus(spec.validity()), caNotAfter);
    KeyPair keyPair = keys.next(spec.key());
    X509v3CertificateBuilder builder = X509Builders.builder(
        caName, X509Builders.subject(spec.commonName()), now.minus(clockSkewAllowance), notAfter,
        keyPair.getPublic());
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(spec))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(keyPair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId);
    } catch (CertIOException e) {
      throw X509Builders.encodingFailure(e);
    }
    X509Certificate leaf = X509Builders.sign(builder, ca.privateKey(), crypto);
    return new Certificate(List.of(leaf), Pem.encodePrivateKey(keyPair.getPrivate()), caPem, caPem);
  }

  @Override
  public String trustedCasPem() {
    return caPem;
  }

  /**
   * The CA's own subject key identifier, as RFC 5280 requires, not a hash recomputed here: a bring-your-own CA
   * may have derived its identifier another way (e.g. RFC 7093's truncated SHA-256), and verifiers such as
   * OpenSSL match a leaf to its issuer by it.
   */
  private AuthorityKeyIdentifier authorityKeyIdOf(X509Certificate caCertificate) {
    byte[] extension = caCertificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension == null) {
      return extensions.createAuthorityKeyIdentifier(caCertificate.getPublicKey());
    }
    byte[] keyId = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
        .getKeyIdentifier();
    return new AuthorityKeyIdentifier(keyId);
  }

  private static GeneralNames subjectAlternativeNames(CertificateSpec spec) {
    GeneralName[] names = new GeneralName[spec.dnsNames().size() + spec.uris().size()];
    int i = 0;
    for (String dns : spec.dnsNames()) {
      names[i++] = new GeneralName(GeneralName.dNSName, dns);
    }
    for (java.net.URI uri : spec.uris()) {
      names[i++] = new GeneralName(GeneralName.uniformResourceIdentifier, uri.toString());
    }
    return new GeneralNames(names);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}

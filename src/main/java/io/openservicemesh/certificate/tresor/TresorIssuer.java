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

  /** What signs and what is trusted, swapped whole when a root rotation moves on. */
  private volatile Signer signer;
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
    this(TresorRoots.of(ca), clock, clockSkewAllowance, KeyPairSource.generatedBy(crypto), crypto);
  }

  /**
   * @param roots what signs and what is trusted (see {@link #follow})
   * @param keys where leaf key pairs come from: a pool keeps RSA key generation off request paths
   * @param crypto what signs the leaves with the CA's key
   */
  public TresorIssuer(TresorRoots roots, Clock clock, Duration clockSkewAllowance, KeyPairSource keys,
      CryptoProvider crypto) {
    this.clock = clock;
    this.clockSkewAllowance = clockSkewAllowance;
    this.keys = keys;
    this.crypto = crypto;
    this.signer = Signer.of(roots);
  }

  /**
   * The CA, its name and key identifier as leaves name them, and its expiry: derived once per CA, not per leaf
   * (the certificate decodes its ASN.1 time on every call).
   */
  private record Signer(TresorRoots roots, X500Name name, AuthorityKeyIdentifier authorityKeyId, Instant notAfter) {
    static Signer of(TresorRoots roots) {
      X509Certificate root = roots.signing().certificate();
      return new Signer(roots, X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
          authorityKeyIdOf(root), roots.signing().notAfter());
    }
  }

  /**
   * Signs and trusts as a root rotation's step says from now on. A leaf being signed meanwhile finishes with
   * the roots it started with; the rotation re-issues whatever the previous root signed.
   */
  public void follow(TresorRoots roots) {
    if (!roots.equals(signer.roots())) {
      signer = Signer.of(roots);
    }
  }

  public TresorRoots roots() {
    return signer.roots();
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
    Signer by = signer;
    CaBundle ca = by.roots().signing();
    Instant now = clock.instant();
    Instant notAfter = min(now.plus(spec.validity()), by.notAfter());
    KeyPair keyPair = keys.next(spec.key());
    X509v3CertificateBuilder builder = X509Builders.builder(
        by.name(), X509Builders.subject(spec.commonName()), now.minus(clockSkewAllowance), notAfter,
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
          .addExtension(Extension.authorityKeyIdentifier, false, by.authorityKeyId());
    } catch (CertIOException e) {
      throw X509Builders.encodingFailure(e);
    }
    X509Certificate leaf = X509Builders.sign(builder, ca.privateKey(), crypto);
    List<X509Certificate> chain = new java.util.ArrayList<>(1 + ca.intermediates().size());
    chain.add(leaf);
    chain.addAll(ca.intermediates());
    return new Certificate(chain, Pem.encodePrivateKey(keyPair.getPrivate()), by.roots().signingPem(),
        by.roots().trustPem());
  }

  @Override
  public String trustedCasPem() {
    return signer.roots().trustPem();
  }

  /**
   * The CA's own subject key identifier, as RFC 5280 requires, not a hash recomputed here: a bring-your-own CA
   * may have derived its identifier another way (e.g. RFC 7093's truncated SHA-256), and verifiers such as
   * OpenSSL match a leaf to its issuer by it.
   */
  private static AuthorityKeyIdentifier authorityKeyIdOf(X509Certificate caCertificate) {
    byte[] extension = caCertificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension == null) {
      return X509Builders.extensionUtils().createAuthorityKeyIdentifier(caCertificate.getPublicKey());
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

package io.openservicemesh.certificate.certmanager;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA, made here with BouncyCastle and independent of the production code it checks: a root and, when
 * asked, an intermediate that does the signing (as a cert-manager CA issuer whose Secret holds a chain).
 */
final class SigningCa {

  static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate root;
  private final List<X509Certificate> intermediates;
  private final X509Certificate signer;
  private final PrivateKey signerKey;

  private SigningCa(X509Certificate root, List<X509Certificate> intermediates, X509Certificate signer,
      PrivateKey signerKey) {
    this.root = root;
    this.intermediates = intermediates;
    this.signer = signer;
    this.signerKey = signerKey;
  }

  static SigningCa root(String commonName) throws Exception {
    KeyPair keys = ecKeys();
    X509Certificate root = caCertificate(new X500Name("CN=" + commonName), keys.getPublic(),
        new X500Name("CN=" + commonName), keys.getPrivate(), keys.getPublic());
    return new SigningCa(root, List.of(), root, keys.getPrivate());
  }

  /** A CA whose root signed an intermediate, which signs the leaves. */
  static SigningCa withIntermediate(String commonName) throws Exception {
    SigningCa top = root(commonName);
    KeyPair keys = ecKeys();
    X509Certificate intermediate = caCertificate(new X500Name("CN=" + commonName + " intermediate"),
        keys.getPublic(), X500Name.getInstance(top.root.getSubjectX500Principal().getEncoded()), top.signerKey,
        top.root.getPublicKey());
    return new SigningCa(top.root, List.of(intermediate), intermediate, keys.getPrivate());
  }

  X509Certificate root() {
    return root;
  }

  /** The leaf followed by the intermediates: what cert-manager's CA issuer puts into status.certificate. */
  List<X509Certificate> chainFor(X509Certificate leaf) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(intermediates);
    return chain;
  }

  /** Signs a leaf for the public key with the subject and extensions given, valid from now for the duration. */
  X509Certificate sign(X500Name subject, PublicKey publicKey, Extensions requested, KeyUsage keyUsage,
      Extension extendedKeyUsage, Duration validity) throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        X500Name.getInstance(signer.getSubjectX500Principal().getEncoded()), new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now), Date.from(now.plus(validity)), subject, publicKey);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, keyUsage);
    if (extendedKeyUsage != null) {
      builder.addExtension(extendedKeyUsage);
    }
    if (requested != null && requested.getExtension(Extension.subjectAlternativeName) != null) {
      builder.addExtension(requested.getExtension(Extension.subjectAlternativeName));
    }
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        utils.createAuthorityKeyIdentifier(signer.getPublicKey()));
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
    return new JcaX509CertificateConverter().setProvider(BC).getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(signerKey)));
  }

  private static X509Certificate caCertificate(X500Name subject, PublicKey subjectKey, X500Name issuer,
      PrivateKey issuerKey, PublicKey issuerPublicKey) throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(now.minusSeconds(60)),
        Date.from(now.plus(Duration.ofDays(30))), subject, subjectKey);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        utils.createAuthorityKeyIdentifier(issuerPublicKey));
    return new JcaX509CertificateConverter().setProvider(BC).getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(issuerKey)));
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }
}

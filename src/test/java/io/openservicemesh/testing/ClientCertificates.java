package io.openservicemesh.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA of the kind that signs kube-apiserver's client certificates, for tests of client authentication: real
 * EC keys and signatures, with the validity, names and key usages each test needs.
 */
public final class ClientCertificates {

  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  /** A certificate with its key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {}

  private final Issued ca;

  private ClientCertificates(Issued ca) {
    this.ca = ca;
  }

  /** A self-signed CA valid from {@code from} for ten years. */
  public static ClientCertificates newCa(String commonName, Instant from) throws GeneralSecurityException {
    KeyPair keys = keyPair();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + commonName),
        serial(), Date.from(from), Date.from(from.plus(Duration.ofDays(3650))), new X500Name("CN=" + commonName),
        keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new ClientCertificates(new Issued(sign(builder, keys.getPrivate()), keys.getPrivate()));
  }

  public X509Certificate caCertificate() {
    return ca.certificate();
  }

  /** A client certificate (extended key usage clientAuth) for CN {@code commonName} and the DNS names. */
  public Issued client(String commonName, List<String> dnsNames, Instant from, Duration validity)
      throws GeneralSecurityException {
    return leaf(commonName, dnsNames, from, validity, KeyPurposeId.id_kp_clientAuth);
  }

  /** A leaf whose extended key usage is only the given purpose. */
  public Issued leaf(String commonName, List<String> dnsNames, Instant from, Duration validity, KeyPurposeId purpose)
      throws GeneralSecurityException {
    KeyPair keys = keyPair();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
        Date.from(from), Date.from(from.plus(validity)), new X500Name("CN=" + commonName), keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (!dnsNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
            .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new)));
      }
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new Issued(sign(builder, ca.key()), keys.getPrivate());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet());
  }
}

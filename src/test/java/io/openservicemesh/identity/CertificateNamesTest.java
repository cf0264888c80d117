package io.openservicemesh.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jcajce.interfaces.BCX509Certificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The common names read alike from a certificate BouncyCastle holds decoded and from one the JDK parsed. */
class CertificateNamesTest {

  @Test
  void commonNamesAreReadAlikeFromBouncyCastleAndJdkCertificates() throws Exception {
    X509CertificateHolder holder = selfSigned(new X500Name("O=Open Service Mesh+CN=first.ns,CN=second\\,ns"));
    X509Certificate decoded = new JcaX509CertificateConverter().setProvider(new BouncyCastleProvider())
        .getCertificate(holder);
    X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    assertThat(decoded).isInstanceOf(BCX509Certificate.class);
    assertThat(parsed).isNotInstanceOf(BCX509Certificate.class);

    assertThat(CertificateNames.commonNames(decoded)).containsExactly("first.ns", "second\\,ns");
    assertThat(CertificateNames.commonNames(parsed)).isEqualTo(CertificateNames.commonNames(decoded));
    assertThat(CertificateNames.commonName(parsed)).isEqualTo(CertificateNames.commonName(decoded))
        .isEqualTo("first.ns");
  }

  private static X509CertificateHolder selfSigned(X500Name subject) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair keys = generator.generateKeyPair();
    Instant now = Instant.parse("2026-12-05T00:00:00Z");
    return new JcaX509v3CertificateBuilder(subject, BigInteger.ONE, Date.from(now), Date.from(now.plusSeconds(60)),
        subject, keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
  }
}

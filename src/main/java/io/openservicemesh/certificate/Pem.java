package io.openservicemesh.certificate;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * PEM in and out. Private keys are written as PKCS#8 ("PRIVATE KEY"); they are read as PKCS#8, PKCS#1
 * ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY"), because bring-your-own CAs come in all three (OSM read
 * only PKCS#8 RSA, and crashed on the others).
 */
public final class Pem {

  private static final JcaX509CertificateConverter CERTIFICATES =
      new JcaX509CertificateConverter().setProvider(Crypto.PROVIDER);
  private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter().setProvider(Crypto.PROVIDER);

  private Pem() {}

  /**
   * The certificate's own DER encoding, written as PEM by BouncyCastle's writer: handing it the certificate object
   * would first parse the encoding back into a certificate structure, a tenth of an issuance's time.
   */
  public static String encode(X509Certificate certificate) {
    byte[] der;
    try {
      der = certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
    return writePem("CERTIFICATE", der);
  }

  /** DER bytes as PEM of the given type, by BouncyCastle's writer. */
  private static String writePem(String type, byte[] der) {
    StringWriter text = new StringWriter(der.length * 4 / 3 + 80);
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  public static String encode(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    certificates.forEach(c -> pem.append(encode(c)));
    return pem.toString();
  }

  /**
   * PKCS#8, unencrypted: the form Envoy, Go and OpenSSL all read. A JCA private key in PKCS#8 format encodes as
   * that structure already, so it is written as it is rather than parsed and encoded again.
   */
  public static String encodePrivateKey(PrivateKey key) {
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null || !"PKCS#8".equals(key.getFormat())) {
      throw new IllegalStateException("cannot encode a " + key.getAlgorithm() + " private key: its encoding is "
          + key.getFormat() + ", not PKCS#8");
    }
    return writePem("PRIVATE KEY", pkcs8);
  }

  /** Every certificate in the text, in order. Fails when there is none or one is malformed. */
  public static List<X509Certificate> decodeCertificates(String pem) throws PemException {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new PemException("expected only CERTIFICATE blocks, found " + describe(object));
        }
        certificates.add(CERTIFICATES.getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new PemException("malformed PEM certificate (" + e.getMessage() + ")");
    }
    if (certificates.isEmpty()) {
      throw new PemException("no PEM CERTIFICATE block found");
    }
    return certificates;
  }

  public static X509Certificate decodeCertificate(String pem) throws PemException {
    return decodeCertificates(pem).get(0);
  }

  /** The first private key in the text: PKCS#8, PKCS#1 RSA or SEC 1 EC. Encrypted keys are refused. */
  public static PrivateKey decodePrivateKey(String pem) throws PemException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      // `openssl ecparam -genkey` writes the curve (EC PARAMETERS) before the key: skip it.
      while (object instanceof ASN1ObjectIdentifier || object instanceof X9ECParameters) {
        object = parser.readObject();
      }
      if (object instanceof PrivateKeyInfo info) {
        return KEYS.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return KEYS.getKeyPair(pair).getPrivate();
      }
      if (object == null) {
        throw new PemException("no PEM private key block found");
      }
      throw new PemException(
          "expected an unencrypted PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block, found " + describe(object));
    } catch (IOException | RuntimeException e) {
      // The message of a key parser can quote key material: never pass it on.
      throw new PemException("malformed PEM private key");
    }
  }

  private static String describe(Object object) {
    return object.getClass().getSimpleName();
  }

  private static String write(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Text that is not the PEM it should be. The message never contains key material. */
  public static final class PemException extends Exception {
    public PemException(String message) {
      super(message);
    }
  }
}

package io.openservicemesh.tls;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * PKCS#12 key and trust stores for Liberty's TLS endpoints, made with the JDK's own PKCS#12 implementation so
 * that Liberty's JSSE reads them without BouncyCastle.
 */
public final class Pkcs12 {

  static final String KEY_ALIAS = "serving";

  private Pkcs12() {}

  /** A key store holding one private key entry: the certificate's key and chain. */
  public static byte[] keyStore(Certificate certificate, char[] password) {
    try {
      KeyStore store = empty();
      store.setKeyEntry(KEY_ALIAS, Pem.decodePrivateKey(certificate.privateKeyPem()), password,
          certificate.chain().toArray(new X509Certificate[0]));
      return write(store, password);
    } catch (PemException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a PKCS#12 key store for " + certificate.commonName(), e);
    }
  }

  /** A trust store holding the given roots as trusted certificate entries. */
  public static byte[] trustStore(List<X509Certificate> roots, char[] password) {
    try {
      KeyStore store = empty();
      for (int i = 0; i < roots.size(); i++) {
        store.setCertificateEntry("root-" + i, roots.get(i));
      }
      return write(store, password);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a PKCS#12 trust store", e);
    }
  }

  private static KeyStore empty() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }

  private static byte[] write(KeyStore store, char[] password) throws GeneralSecurityException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      store.store(out, password);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return out.toByteArray();
  }
}

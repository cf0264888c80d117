package io.openservicemesh.testing;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS client contexts for calling the control plane's HTTPS endpoints the way the API server does: trusting
 * the mesh CA and nothing else (not the JVM's default CAs), so a call succeeds only if the endpoint
 * presents a certificate that CA signed for the name called.
 */
public final class TlsContexts {

  private TlsContexts() {}

  /**
   * A client context that trusts only the first certificate in {@code caPem}, the mesh CA as the
   * control plane publishes it, and checks the server's name as usual.
   */
  public static SSLContext trusting(String caPem)
      throws PemException, GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("mesh", Pem.decodeCertificate(caPem));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /**
   * Like {@link #trusting(String)}, and presenting {@code chain} (leaf first) with its key when the server asks
   * for a client certificate, as the API server does with the kubeconfig of its AdmissionConfiguration.
   */
  public static SSLContext presenting(String caPem, PrivateKey key, X509Certificate... chain)
      throws PemException, GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("mesh", Pem.decodeCertificate(caPem));
    TrustManagerFactory trustFactory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustFactory.init(trust);
    char[] password = "client".toCharArray();
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    identity.setKeyEntry("client", key, password, chain);
    KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyFactory.init(identity, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
    return context;
  }
}

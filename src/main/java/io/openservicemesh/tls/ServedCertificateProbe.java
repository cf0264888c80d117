package io.openservicemesh.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Asks a local TLS endpoint which certificate it serves, the way a client would see it: a handshake on the
 * loopback address. It trusts nothing and sends nothing: it only records the leaf the server presented, so it
 * works on an endpoint that demands a client certificate too (the handshake then fails after the server's
 * certificate has arrived).
 */
public final class ServedCertificateProbe {

  private final Duration timeout;

  public ServedCertificateProbe(Duration timeout) {
    this.timeout = timeout;
  }

  /** The leaf presented on {@code 127.0.0.1:port}; empty when nothing listens or no certificate came. */
  public Optional<X509Certificate> servedAt(int port) {
    AtomicReference<X509Certificate> presented = new AtomicReference<>();
    try (SSLSocket socket = (SSLSocket) context(presented).getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      socket.startHandshake();
    } catch (SSLException expected) {
      // Refused by the recording trust manager, or a client certificate was demanded: the leaf is recorded.
    } catch (IOException notListening) {
      return Optional.empty();
    }
    return Optional.ofNullable(presented.get());
  }

  /** The serial as the control plane writes it everywhere: lower-case hexadecimal. */
  public static String serialOf(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  private static SSLContext context(AtomicReference<X509Certificate> presented) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new Recording(presented)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a TLS client: " + e.getMessage(), e);
    }
  }

  /** Records the server's leaf, then refuses it: the probe must never go on to talk to the server. */
  private record Recording(AtomicReference<X509Certificate> presented) implements X509TrustManager {

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      presented.set(chain[0]);
      throw new java.security.cert.CertificateException("probe only: the presented certificate was recorded");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a probe is never a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

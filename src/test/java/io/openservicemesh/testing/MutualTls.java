package io.openservicemesh.testing;

import io.openservicemesh.certificate.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real mutual TLS handshake between two proxies over loopback, each with its certificate chain, key and the
 * roots it trusts, as Envoys holding what SDS gave them would do: the way to prove that, at a given moment of a
 * root rotation, two peers can still verify each other.
 */
public final class MutualTls {

  private static final char[] PASSWORD = "in-memory".toCharArray();

  private MutualTls() {}

  /** One side: chain and key PEM as SDS's tls_certificate carries them, roots as its validation context does. */
  public record Peer(String chainPem, String privateKeyPem, String trustedRootsPem) {}

  /** @return empty when both sides accepted each other, else what failed */
  public static java.util.Optional<String> handshake(Peer client, Peer server) throws Exception {
    SSLContext serverContext = context(server);
    SSLContext clientContext = context(client);
    try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
          socket.startHandshake();
          socket.getOutputStream().write(1);
          socket.getOutputStream().flush();
          return "";
        } catch (IOException e) {
          return "server side: " + e.getMessage();
        }
      });
      String clientSide = "";
      try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        socket.startHandshake();
        if (socket.getInputStream().read() != 1) {
          clientSide = "client side: the server closed the connection";
        }
      } catch (IOException e) {
        clientSide = "client side: " + e.getMessage();
      }
      String serverSide = accepted.get(30, TimeUnit.SECONDS);
      String failure = (clientSide + " " + serverSide).trim();
      return failure.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(failure);
    }
  }

  private static SSLContext context(Peer peer) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    List<X509Certificate> chain = Pem.decodeCertificates(peer.chainPem());
    keys.setKeyEntry("proxy", Pem.decodePrivateKey(peer.privateKeyPem()), PASSWORD,
        chain.toArray(new X509Certificate[0]));
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate root : Pem.decodeCertificates(peer.trustedRootsPem())) {
      trust.setCertificateEntry("root-" + i++, root);
    }
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }

}

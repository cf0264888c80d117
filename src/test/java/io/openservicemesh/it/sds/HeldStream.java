package io.openservicemesh.it.sds;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.testing.MutualTls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A StreamSecrets stream held open the way Envoy holds it: subscribed to its service certificate and the roots it
 * validates callers with, ACKing every response as it arrives, on a thread of its own. What it last received is
 * what the proxy would serve and trust now.
 */
public final class HeldStream implements AutoCloseable {

  private final EnvoyLikeClient client;
  private final EnvoyLikeClient.SotwStream stream;
  private final String serviceCert;
  private final String inboundRoots;
  private final AtomicReference<String> chain = new AtomicReference<>();
  private final AtomicReference<String> key = new AtomicReference<>();
  private final AtomicReference<String> roots = new AtomicReference<>();
  private final AtomicReference<String> ended = new AtomicReference<>();
  private final Thread reader;

  public HeldStream(int sdsPort, ProxyIdentity proxy, Certificate bootstrap, String trustedRoot, String osmNamespace)
      throws Exception {
    String account = proxy.service().namespace() + "/" + proxy.service().serviceAccount();
    serviceCert = "service-cert:" + account;
    inboundRoots = "root-cert-for-mtls-inbound:" + account;
    client = EnvoyLikeClient.connect(sdsPort, bootstrap, trustedRoot, osmNamespace);
    stream = client.streamSecrets();
    List<String> names = List.of(serviceCert, inboundRoots);
    stream.send(EnvoyLikeClient.request(proxy.commonName(), names).build());
    reader = new Thread(() -> follow(names), "held-sds-stream-" + proxy.uuid());
    reader.setDaemon(true);
    reader.start();
  }

  private void follow(List<String> names) {
    try {
      while (true) {
        DiscoveryResponse response = stream.next(Duration.ofMinutes(10));
        for (var resource : response.getResourcesList()) {
          Secret secret = resource.unpack(Secret.class);
          if (secret.getName().equals(serviceCert)) {
            key.set(text(secret.getTlsCertificate().getPrivateKey()));
            chain.set(text(secret.getTlsCertificate().getCertificateChain()));
          } else if (secret.getName().equals(inboundRoots)) {
            roots.set(text(secret.getValidationContext().getTrustedCa()));
          }
        }
        stream.send(DiscoveryRequest.newBuilder().setTypeUrl(EnvoyLikeClient.SECRET_TYPE)
            .setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce())
            .addAllResourceNames(names).build());
      }
    } catch (Throwable e) {
      ended.set(e.getMessage());
    }
  }

  private static String text(DataSource source) {
    return source.hasInlineBytes() ? source.getInlineBytes().toStringUtf8() : source.getInlineString();
  }

  /** What the proxy serves and trusts now; null parts until the first response. */
  public MutualTls.Peer peer() {
    return new MutualTls.Peer(chain.get(), key.get(), roots.get());
  }

  public boolean received() {
    return chain.get() != null && roots.get() != null;
  }

  /** What has arrived, for a failure message (no key material). */
  public String state() {
    return (chain.get() != null ? "certificate" : "no certificate") + ", "
        + (roots.get() != null ? "roots" : "no roots")
        + (ended.get() != null ? ", ended: " + ended.get() : "");
  }

  public String ended() {
    return ended.get();
  }

  @Override
  public void close() throws Exception {
    client.close();
    reader.interrupt();
  }
}

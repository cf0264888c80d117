package io.openservicemesh.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.testing.TestCa;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;

/** The probe sees what a client would see on a real TLS endpoint, also one that demands a client certificate. */
class ServedCertificateProbeTest {

  private static final char[] PASSWORD = "probe-test".toCharArray();
  private final ServedCertificateProbe probe = new ServedCertificateProbe(Duration.ofSeconds(2));
  private final Certificate serving = TestCa.issuer().issue(
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(1), KeySpec.ECDSA_P256).mutatingWebhook());

  @Test
  void readsTheLeafAnEndpointPresents() throws Exception {
    try (SSLServerSocket server = listen(false)) {
      Thread accepting = acceptOnce(server);

      assertThat(probe.servedAt(server.getLocalPort()).map(ServedCertificateProbe::serialOf))
          .hasValue(serving.serialHex());
      accepting.join(5_000);
    }
  }

  @Test
  void readsItAlsoWhereAClientCertificateIsDemanded() throws Exception {
    try (SSLServerSocket server = listen(true)) {
      Thread accepting = acceptOnce(server);

      assertThat(probe.servedAt(server.getLocalPort()).map(ServedCertificateProbe::serialOf))
          .hasValue(serving.serialHex());
      accepting.join(5_000);
    }
  }

  @Test
  void aPortNothingListensOnIsEmpty() throws Exception {
    int free;
    try (ServerSocket socket = new ServerSocket(0)) {
      free = socket.getLocalPort();
    }

    assertThat(probe.servedAt(free)).isEmpty();
  }

  @Test
  void portsComeFromTheServerVariablesWithTheirDefaults() {
    assertThat(TlsEndpoint.configured(name -> Optional.ofNullable(Map.of("sds.port", " 15200").get(name))))
        .containsExactly(
            new TlsEndpoint("webhooks", "default.https.port", 9443, CertificateKind.MUTATING_WEBHOOK),
            new TlsEndpoint("validator", "validator.https.port", 9444, CertificateKind.VALIDATING_WEBHOOK),
            new TlsEndpoint("sds", "sds.port", 15200, CertificateKind.MUTATING_WEBHOOK));
  }

  private SSLServerSocket listen(boolean demandClientCertificate) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(new ByteArrayInputStream(Pkcs12.keyStore(serving, PASSWORD)), PASSWORD);
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0);
    server.setNeedClientAuth(demandClientCertificate);
    return server;
  }

  /** Serves one handshake; its failure (the probe refuses the server) is expected. */
  private static Thread acceptOnce(SSLServerSocket server) {
    Thread thread = new Thread(() -> {
      try (var socket = server.accept()) {
        ((javax.net.ssl.SSLSocket) socket).startHandshake();
      } catch (IOException expected) {
        // The probe aborts once it has the certificate.
      }
    });
    thread.start();
    return thread;
  }
}

package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.vault.VaultException.Kind;
import io.openservicemesh.config.VaultAuthMethod;
import io.openservicemesh.config.VaultSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS to Vault: its certificate must chain to the configured CA file; a TLS failure is not retried. */
class VaultTlsTest {

  @TempDir Path temp;
  private HttpsServer https;
  private TestPkiMount ca;
  private final RecordingSleeper sleeper = new RecordingSleeper();

  @BeforeEach
  void startHttpsVault() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // as VaultTestServer does
    Instant now = Instant.now();
    ca = new TestPkiMount("pki").generateRoot("vault-tls-ca", Duration.ofDays(365), now)
        .role("server", new TestPkiRole().allowLocalhost(true));
    Map<String, Object> request = new HashMap<>();
    request.put("common_name", "localhost");
    request.put("private_key_format", "pkcs8");
    request.put("ttl", "24h");
    Map<String, Object> issued = ca.issue("server", request, now).data();
    X509Certificate certificate = Pem.decodeCertificate((String) issued.get("certificate"));
    PrivateKey key = Pem.decodePrivateKey((String) issued.get("private_key"));

    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("vault", key, new char[0], new X509Certificate[] {certificate, ca.root()});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);

    https = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls));
    https.createContext("/v1/pki/ca/pem", exchange -> {
      byte[] body = TestPkiMount.pem(ca.root()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    https.start();
  }

  @AfterEach
  void stop() {
    if (https != null) {
      https.stop(0);
    }
  }

  @Test
  void trustsVaultThroughTheConfiguredCaFile() throws Exception {
    Path caFile = temp.resolve("vault-ca.pem");
    Files.writeString(caFile, TestPkiMount.pem(ca.root()));

    String answer = client(settings(caFile)).caPem("pki");

    assertThat(answer).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void anUntrustedCertificateFailsAtOnceNamingTheSetting() throws Exception {
    assertThatThrownBy(() -> client(settings(null)).caPem("pki"))
        .isInstanceOfSatisfying(VaultException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.TLS);
          assertThat(e.getMessage()).contains("TLS handshake").contains("OpenServiceMesh.vault.caFile");
        });
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void anUnusableCaFileIsReportedByItsKey() throws Exception {
    Path missing = temp.resolve("missing.pem");
    assertThatThrownBy(() -> VaultHttpClients.create(settings(missing)))
        .isInstanceOf(IOException.class)
        .hasMessage("OpenServiceMesh.vault.caFile: " + missing + " does not exist");

    Path garbage = temp.resolve("garbage.pem");
    Files.writeString(garbage, "not a certificate");
    assertThatThrownBy(() -> VaultHttpClients.create(settings(garbage)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("OpenServiceMesh.vault.caFile: " + garbage + " does not hold PEM CA certificates");
  }

  private VaultSettings settings(Path caFile) {
    return new VaultSettings("localhost", "https", https.getAddress().getPort(), "t", "openservicemesh", "pki",
        caFile, VaultAuthMethod.TOKEN, null, "kubernetes", Path.of("/none"), Duration.ofSeconds(5),
        Duration.ofMinutes(10));
  }

  private VaultClient client(VaultSettings settings) throws IOException {
    return new VaultClient(VaultHttpClients.address(settings), VaultHttpClients.create(settings),
        settings.requestTimeout(), new VaultRetrier(RetryPolicy.DEFAULT, () -> 0.5, sleeper));
  }
}

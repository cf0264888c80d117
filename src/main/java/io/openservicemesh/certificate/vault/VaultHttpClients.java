package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.config.Setting;
import io.openservicemesh.config.VaultSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the HTTP client and address for the configured Vault. */
final class VaultHttpClients {

  private VaultHttpClients() {}

  /** E.g. {@code https://vault.vault.svc:8200}; an IPv6 address gets its brackets. */
  static URI address(VaultSettings settings) {
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    return URI.create(settings.protocol() + "://" + host + ":" + settings.port());
  }

  /**
   * HTTP/1.1 always: Vault's request rate here is low, and over plain http the JDK would otherwise
   * offer an h2c upgrade on every new connection that Vault ignores. Redirects are not followed: a
   * standby Vault redirecting elsewhere should be visible, and the token must not be replayed to
   * wherever a redirect points.
   *
   * @throws IOException naming {@code OpenServiceMesh.vault.caFile} when the CA file is unusable
   */
  static HttpClient create(VaultSettings settings) throws IOException {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(settings.requestTimeout());
    if ("https".equals(settings.protocol()) && settings.caFile() != null) {
      builder.sslContext(trusting(settings.caFile()));
    }
    return builder.build();
  }

  /** A TLS context that trusts exactly the CA certificates in the PEM file, and nothing else. */
  static SSLContext trusting(Path caFile) throws IOException {
    String key = Setting.VAULT_CA_FILE.key();
    List<X509Certificate> cas;
    try {
      cas = Pem.decodeCertificates(Files.readString(caFile));
    } catch (NoSuchFileException e) {
      throw new IOException(key + ": " + caFile + " does not exist", e);
    } catch (IOException e) {
      throw new IOException(key + ": cannot read " + caFile + " (" + e + ")", e);
    } catch (PemException e) {
      throw new IOException(key + ": " + caFile + " does not hold PEM CA certificates: " + e.getMessage(), e);
    }
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("vault-ca-" + i, cas.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(key + ": cannot build a trust store from " + caFile + " (" + e + ")", e);
    }
  }
}

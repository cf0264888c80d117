package io.openservicemesh.tls;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CaCertificateFile;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.ServingCertificates;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.certificate.TrustBundleChanged;
import io.openservicemesh.config.Setting;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.rotation.RotationAnnouncements;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Gives Liberty's TLS endpoints their material once the CA is up: the serving certificates (issued by the
 * mesh CA: {@code osm-controller.<osm-ns>.svc}, the name the API server calls the injector by and Envoy dials
 * SDS by, and {@code osm-config-validator.<osm-ns>.svc} for the config validator's own endpoint) and a trust
 * store of the mesh roots, which the SDS endpoint requires client certificates to chain to. Then it writes the
 * configuration that opens the endpoints (see server.xml), once; with {@code OpenServiceMesh.webhook.clientCaFile}
 * set, the webhook endpoints also get a trust store of those CAs and ask callers for a certificate. Renewals of a serving certificate are written
 * to its store as rotation announces them.
 */
@ApplicationScoped
public class ServingTlsPublisher {

  private static final Logger LOG = Logger.getLogger(ServingTlsPublisher.class.getName());

  /** Relative to the server's working directory, which Liberty sets to the server's output directory. */
  static final Path TLS_DIRECTORY = Path.of("tls");
  static final String ENDPOINTS_CONFIG = "tls-endpoints.xml";
  private static final String PASSWORD_PLACEHOLDER = "@PASSWORD@";
  private static final String CLIENT_TRUST_STORE_PLACEHOLDER = "@WEBHOOK_CLIENT_TRUST_STORE@";
  private static final String CLIENT_AUTH_PLACEHOLDER = "@WEBHOOK_CLIENT_AUTH@";

  @Inject ServingCertificates servingCertificates;
  @Inject TrustBundle trustBundle;
  @Inject RotationAnnouncements announcements;
  @Inject SettingsInForce settings;

  /** Kept across restarts, so Liberty never reads a store with the password of another run ({@link StorePassword}). */
  private final char[] storePassword = StorePassword.keptOrNew(TLS_DIRECTORY.resolve(ENDPOINTS_CONFIG));
  private final TlsFiles files = new TlsFiles(TLS_DIRECTORY);

  /** Serial of the certificate last written, per key store. */
  private final Map<String, String> publishedSerials = new HashMap<>();
  private String publishedRoots;
  private boolean endpointsConfigured;

  /**
   * Publishes now, and again whenever rotation replaces the serving certificate: Liberty keeps serving what
   * the store holds, so a renewal not written there would be served until it expired.
   */
  void onReady(@Observes ControlPlaneReady ready) {
    List<String> servingNames;
    try {
      servingNames = servingCertificates.specs().stream().map(CertificateSpec::commonName).toList();
    } catch (IssuanceException e) {
      LOG.severe("cannot publish the TLS endpoints' certificates: " + e.getMessage());
      return;
    }
    // Subscribed before the first publication, which reads the current certificates: a renewal in between is
    // published either way.
    announcements.subscribe("tls-serving-certificates", servingNames, rotated -> publish());
    publish();
  }

  /** New roots go into the SDS endpoint's trust store now, not at the next serving certificate renewal. */
  void onTrustBundleChanged(@Observes TrustBundleChanged changed) {
    publish();
  }

  /** Writes what changed; safe to call on every renewal or root change. */
  public synchronized void publish() {
    try {
      for (CertificateSpec spec : servingCertificates.specs()) {
        Certificate serving = servingCertificates.current(spec);
        String store = spec.kind() == CertificateKind.VALIDATING_WEBHOOK ? TlsFiles.VALIDATOR_KEY_STORE
            : TlsFiles.SERVING_KEY_STORE;
        if (!serving.serialHex().equals(publishedSerials.get(store))) {
          files.replace(store, Pkcs12.keyStore(serving, storePassword));
          publishedSerials.put(store, serving.serialHex());
          LOG.info(() -> "published the serving certificate " + serving + " to " + store);
        }
      }
      String roots = trustBundle.pem();
      if (!roots.equals(publishedRoots)) {
        files.replace(TlsFiles.MESH_TRUST_STORE, Pkcs12.trustStore(Pem.decodeCertificates(roots), storePassword));
        publishedRoots = roots;
      }
      if (!endpointsConfigured) {
        Optional<Path> clientCaFile = settings.current().flatMap(s -> s.webhooks().clientCaFile());
        if (clientCaFile.isPresent()) {
          // Read once, like the setting: a new client CA takes a restart.
          List<X509Certificate> clientCas = CaCertificateFile.read(Setting.WEBHOOK_CLIENT_CA_FILE, clientCaFile.get());
          files.replace(TlsFiles.WEBHOOK_CLIENT_TRUST_STORE, Pkcs12.trustStore(clientCas, storePassword));
        }
        files.replace(ENDPOINTS_CONFIG, endpointsConfig(clientCaFile.isPresent()).getBytes(StandardCharsets.UTF_8));
        endpointsConfigured = true;
        LOG.info(() -> "opening the TLS endpoints: " + files.directory().resolve(ENDPOINTS_CONFIG).toAbsolutePath());
      }
    } catch (IssuanceException | IOException | PemException e) {
      LOG.severe("cannot publish the TLS endpoints' certificates: " + e.getMessage());
    }
  }

  private String endpointsConfig(boolean authenticateWebhookCallers) {
    try (InputStream template = ServingTlsPublisher.class.getResourceAsStream(ENDPOINTS_CONFIG)) {
      if (template == null) {
        throw new IllegalStateException(ENDPOINTS_CONFIG + " is missing from the application");
      }
      return new String(template.readAllBytes(), StandardCharsets.UTF_8)
          .replace(PASSWORD_PLACEHOLDER, new String(storePassword))
          .replace(CLIENT_TRUST_STORE_PLACEHOLDER, authenticateWebhookCallers ? CLIENT_TRUST_STORE : "")
          .replace(CLIENT_AUTH_PLACEHOLDER, authenticateWebhookCallers
              ? "trustStoreRef=\"webhookClientTrustStore\" clientAuthenticationSupported=\"true\""
              : "trustStoreRef=\"meshTrustStore\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The client CAs of OpenServiceMesh.webhook.clientCaFile, as the webhook endpoints' trust store. */
  private static final String CLIENT_TRUST_STORE = "  <keyStore id=\"webhookClientTrustStore\""
      + " location=\"${server.output.dir}/tls/" + TlsFiles.WEBHOOK_CLIENT_TRUST_STORE + "\" type=\"PKCS12\"\n"
      + "            password=\"${osm.tls.storePassword}\" readOnly=\"true\"/>";
}

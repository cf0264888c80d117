package io.openservicemesh.bootstrap;

import static io.openservicemesh.bootstrap.EnvoyBootstrap.map;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.identity.ProxyIdentity;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a proxy's bootstrap Secret, as mounted at {@link #MOUNT_PATH} in the sidecar: the Envoy bootstrap,
 * the xDS client credential (certificate chain, key, trusted roots) as PEM files, and two file-based Secret
 * Discovery resources that point Envoy at those PEM files. The control plane writes every file at injection and
 * again at each renewal, so a Secret always holds the same keys.
 *
 * <p>Why files rather than inline PEM in the bootstrap: Envoy reads its bootstrap once, at start, but re-reads a
 * file-based SDS resource and the files it names whenever an entry is moved into the watched directory, which is
 * how the kubelet publishes a changed Secret. A renewed certificate or a new root then reaches a running Envoy
 * without restarting the pod.
 */
public final class BootstrapFiles {

  public static final String MOUNT_PATH = "/etc/envoy";
  public static final String BOOTSTRAP = "bootstrap.yaml";
  public static final String CLIENT_CERTIFICATE_SDS = "xds-client-certificate.yaml";
  public static final String TRUSTED_ROOTS_SDS = "xds-trusted-roots.yaml";
  public static final String CERTIFICATE_CHAIN = "xds-client.crt";
  public static final String PRIVATE_KEY = "xds-client.key";
  public static final String TRUSTED_ROOTS = "xds-roots.crt";

  /** The names of the SDS resources in the two files; the bootstrap's control-plane cluster asks for them. */
  static final String CLIENT_CERTIFICATE_SECRET = "xds-client-certificate";
  static final String TRUSTED_ROOTS_SECRET = "xds-trusted-roots";

  static final int SDS_PORT = 15128;
  private static final String SECRET_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

  /**
   * The xDS client credential a bootstrap Secret carries.
   *
   * @param certificateChainPem the bootstrap certificate, leaf first
   * @param privateKeyPem its key
   * @param trustedRootsPem the roots Envoy trusts for the control plane's serving certificate
   */
  public record Credential(String certificateChainPem, String privateKeyPem, String trustedRootsPem) {

    /** A bootstrap certificate as issued, with the roots in force at its issuance. */
    public static Credential of(Certificate certificate) {
      return new Credential(
          certificate.certificateChainPem(), certificate.privateKeyPem(), certificate.trustedCasPem());
    }

    /** Written by hand so the private key never reaches a log. */
    @Override
    public String toString() {
      return "BootstrapFiles.Credential[privateKey=<redacted>]";
    }
  }

  private BootstrapFiles() {}

  /**
   * Every file of a proxy's Secret: its bootstrap names the proxy by its certificate's common name and dials the
   * control plane's Service in {@code osmNamespace}.
   */
  public static Map<String, byte[]> forProxy(ProxyIdentity proxy, String osmNamespace, Credential credential) {
    return of(new EnvoyBootstrap.Parameters(proxy.commonName(), proxy.service().serviceAccount(),
        proxy.service().namespace(), controlPlaneHost(osmNamespace), SDS_PORT), credential);
  }

  /**
   * Every file for a proxy run by hand beside a standalone control plane: it dials SDS on this machine's loopback
   * and reads its credential from {@code directory}, while still requiring the name the serving certificate
   * carries.
   */
  public static Map<String, byte[]> forLocalProxy(ProxyIdentity proxy, String osmNamespace, int sdsPort,
      String directory, Credential credential) {
    return of(new EnvoyBootstrap.Parameters(proxy.commonName(), proxy.service().serviceAccount(),
        proxy.service().namespace(), controlPlaneHost(osmNamespace), sdsPort, "127.0.0.1", directory), credential);
  }

  /** The control plane's Service, which its SDS serving certificate names. */
  public static String controlPlaneHost(String osmNamespace) {
    return "osm-controller." + osmNamespace + ".svc.cluster.local";
  }

  /** Every file of the Secret, by Secret key. */
  public static Map<String, byte[]> of(EnvoyBootstrap.Parameters parameters, Credential credential) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(BOOTSTRAP, utf8(EnvoyBootstrap.yaml(parameters)));
    files.put(CLIENT_CERTIFICATE_SDS, utf8(clientCertificateSds(parameters.filesDirectory())));
    files.put(TRUSTED_ROOTS_SDS, utf8(trustedRootsSds(parameters.filesDirectory())));
    files.put(CERTIFICATE_CHAIN, utf8(credential.certificateChainPem()));
    files.put(PRIVATE_KEY, utf8(credential.privateKeyPem()));
    files.put(TRUSTED_ROOTS, utf8(credential.trustedRootsPem()));
    return files;
  }

  /** Where a file of the Secret appears in the sidecar. */
  static String path(String file) {
    return path(MOUNT_PATH, file);
  }

  static String path(String directory, String file) {
    return directory + "/" + file;
  }

  /**
   * The certificate and key by file name, re-read together when the directory changes: Envoy checks that neither
   * changed between the two reads, so it never pairs a new certificate with an old key.
   */
  static String clientCertificateSds() {
    return clientCertificateSds(MOUNT_PATH);
  }

  static String clientCertificateSds(String directory) {
    return resources(map(
        "@type", SECRET_TYPE,
        "name", CLIENT_CERTIFICATE_SECRET,
        "tls_certificate", map(
            "certificate_chain", map("filename", path(directory, CERTIFICATE_CHAIN)),
            "private_key", map("filename", path(directory, PRIVATE_KEY)),
            "watched_directory", map("path", directory))));
  }

  static String trustedRootsSds() {
    return trustedRootsSds(MOUNT_PATH);
  }

  static String trustedRootsSds(String directory) {
    return resources(map(
        "@type", SECRET_TYPE,
        "name", TRUSTED_ROOTS_SECRET,
        "validation_context", map(
            "trusted_ca", map("filename", path(directory, TRUSTED_ROOTS)),
            "watched_directory", map("path", directory))));
  }

  /** A file-based SDS resource has the shape of a discovery response: a list of typed resources. */
  private static String resources(Map<String, Object> secret) {
    return EnvoyBootstrap.dump(map("resources", List.of(secret)));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

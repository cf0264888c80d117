package io.openservicemesh.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.bootstrap.BootstrapFiles;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBootstrapTest {

  @TempDir Path base;

  private final CertificateCache cache = new CertificateCache(TestCa.issuer(), Clock.systemUTC());
  private final MeshCertificateSpecs specs = new MeshCertificateSpecs("cluster.local", "osm-system",
      Duration.ofHours(24), Duration.ofHours(24), KeySpec.ECDSA_P256);

  @Test
  void theIdentityIsAServiceAccountAndANamespace() {
    assertThat(LocalBootstrap.parseIdentity("bookstore-v1.bookstore"))
        .isEqualTo(new ServiceIdentity("bookstore-v1", "bookstore"));
  }

  @Test
  void aMissingOrMalformedIdentitySaysWhatItTakes() {
    assertThatThrownBy(() -> LocalBootstrap.parseIdentity(null))
        .hasMessageContaining("query parameter identity is required").hasMessageContaining("bookstore.bookstore");
    assertThatThrownBy(() -> LocalBootstrap.parseIdentity("bookstore"))
        .hasMessageContaining("<service-account>.<namespace>").hasMessageContaining("\"bookstore\"");
    assertThatThrownBy(() -> LocalBootstrap.parseIdentity("Book_Store.bookstore"))
        .hasMessageStartingWith("query parameter identity: ");
  }

  @Test
  void theBootstrapDialsLoopbackNamesItsFilesAndHoldsNoKey() throws Exception {
    LocalBootstrap local = new LocalBootstrap(
        proxy -> cache.getOrIssue(specs.xdsBootstrap(proxy)), "osm-system", 15128, base);

    LocalBootstrap.Made made = local.make(new ServiceIdentity("bookstore", "bookstore"));

    assertThat(made.directory()).isEqualTo(base.resolve("bookstore.bookstore").toAbsolutePath());
    assertThat(made.bootstrapYaml())
        .contains("id: " + made.proxy().commonName(), "address: 127.0.0.1", "port_value: 15128",
            "exact: osm-controller.osm-system.svc.cluster.local", made.directory() + "/" + BootstrapFiles.CLIENT_CERTIFICATE_SDS)
        .doesNotContain("PRIVATE KEY").doesNotContain("/etc/envoy");
    assertThat(Files.readString(made.directory().resolve(BootstrapFiles.CLIENT_CERTIFICATE_SDS)))
        .contains(made.directory() + "/" + BootstrapFiles.PRIVATE_KEY);
    Path key = made.directory().resolve(BootstrapFiles.PRIVATE_KEY);
    assertThat(Files.readString(key)).contains("PRIVATE KEY");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
  }
}

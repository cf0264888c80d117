package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.identity.ProxyCertificates;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vault set up with exactly the commands of the mission's document (its "./demo/ script" listing), and the
 * control plane's settings from the document's local-workstation {@code --set} lines (token "xyz", role
 * "openservicemesh", 24h service certificates): every certificate type is issued, and the identities in
 * them are the ones SDS matches peers and proxies by.
 */
class VaultMissionSetupTest {

  /** The document's listing, verbatim but for its URLs (removed in the document too). */
  static final String DOCUMENT_COMMANDS = """
      export VAULT_TOKEN="xyz"
      export VAULT_ADDR="http://localhost:8200"
      export VAULT_ROLE="openservicemesh

      # Launch the Vault server in dev mode
      vault server -dev -dev-listen-address= -dev-root-token-id=${VAULT_TOKEN}

      # Also save the token locally so this is available
      echo $VAULT_TOKEN>~/.vault-token;

      # Enable the PKI secrets engine (See:
      vault secrets enable pki;

      # Set the max lease TTL to a decade
      vault secrets tune -max-lease-ttl=87600h pki;

      # Set URL configuration (See:
      vault write pki/config/urls issuing_certificates='' crl_distribution_points='';

      # Configure a role named "openservicemesh" (See:
      vault write pki/roles/${VAULT_ROLE} allow_any_name=true allow_subdomains=true;

      # Create a root certificate named "osm.root" (See:
      vault write pki/root/generate/internal common_name='osm.root' ttl='87600h'
      """;

  private static final Map<String, String> DOCUMENT_VARIABLES =
      Map.of("VAULT_TOKEN", "xyz", "VAULT_ROLE", "openservicemesh");
  private static final ServiceIdentity BOOKBUYER = new ServiceIdentity("bookbuyer", "bookstore");
  private static final ServiceIdentity BOOKSTORE = new ServiceIdentity("bookstore", "bookstore");
  private static final int DNS_SAN = 2;
  private static final int URI_SAN = 6;

  @TempDir Path temp;
  private VaultFixture vault;

  @AfterEach
  void stopVault() {
    vault.close();
  }

  @Test
  void theDocumentsCommandsGiveAVaultThatIssuesEveryCertificateTypeTheMeshUses() throws Exception {
    vault = new VaultFixture(temp, DOCUMENT_COMMANDS, DOCUMENT_VARIABLES);
    vault.server.devRootToken("xyz");
    VaultIssuer issuer = vault.issuer("xyz", "openservicemesh");
    MeshCertificateSpecs specs =
        new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);
    ProxyIdentity proxy = new ProxyIdentity(UUID.fromString("0b6f4bd4-8d3e-4c43-9a4c-1f2e3d4c5b6a"), BOOKBUYER);

    Certificate bookstore = issuer.issue(specs.service(BOOKSTORE));
    Certificate bootstrap = issuer.issue(specs.xdsBootstrap(proxy));
    Certificate injector = issuer.issue(specs.mutatingWebhook());
    Certificate validator = issuer.issue(specs.validatingWebhook());

    assertThat(vault.setup.warnings()).isEmpty();
    assertThat(List.of(bookstore, bootstrap, injector, validator)).allSatisfy(certificate -> {
      assertThat(certificate.trustedCasPem()).isEqualTo(TestPkiMount.pem(vault.pki.root()));
      assertThat(sanTypes(certificate.leaf())).as(certificate.commonName()).doesNotContain(URI_SAN);
    });
    assertThat(bookstore.notAfter()).isEqualTo(vault.clock.instant().plus(Duration.ofHours(24)));
    // The ten-year root and the ten-year webhook certificates of the document: asked for no longer than the
    // root lives, which Vault would refuse.
    assertThat(injector.notAfter()).isBefore(vault.pki.root().getNotAfter().toInstant())
        .isAfter(vault.clock.instant().plus(Duration.ofDays(3649)));

    // A caller of bookstore accepts the bookstore pod's certificate by its DNS name (the outbound validation
    // context's DNS matcher, see SecretBuilderTest) ...
    assertThat(dnsNames(bookstore.leaf())).contains(BOOKSTORE.commonName("cluster.local"));
    // ... and the control plane reads the proxy's identity from its bootstrap certificate's common name.
    assertThat(ProxyCertificates.identityOf(bootstrap.leaf(), "cluster.local")).isEqualTo(proxy);
  }

  @Test
  void theRoleAsTheDocumentDescribesItIsEnoughToo() throws Exception {
    // "allow_baredomains" as the document spells it: Vault ignores the unknown parameter with a warning.
    vault = new VaultFixture(temp, DOCUMENT_COMMANDS.replace("allow_subdomains=true;",
        "allow_subdomains=true allow_baredomains=true allow_localhost=true max_ttl=24h;"), DOCUMENT_VARIABLES);
    vault.server.devRootToken("xyz");
    VaultIssuer issuer = vault.issuer("xyz", "openservicemesh");
    MeshCertificateSpecs specs =
        new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(48), KeySpec.ECDSA_P256);

    Certificate bookbuyer = issuer.issue(specs.service(BOOKBUYER));

    assertThat(vault.setup.warnings()).containsExactly(
        "Endpoint ignored these unrecognized parameters: [allow_baredomains]");
    assertThat(bookbuyer.notAfter()).as("max_ttl caps it").isEqualTo(vault.clock.instant().plus(Duration.ofHours(24)));
    assertThat(dnsNames(bookbuyer.leaf())).containsExactly("bookbuyer.bookstore.cluster.local");
  }

  private static List<Integer> sanTypes(X509Certificate leaf) throws Exception {
    return leaf.getSubjectAlternativeNames().stream().map(san -> (Integer) san.get(0)).toList();
  }

  private static List<String> dnsNames(X509Certificate leaf) throws Exception {
    return leaf.getSubjectAlternativeNames().stream().filter(san -> (Integer) san.get(0) == DNS_SAN)
        .map(san -> (String) san.get(1)).toList();
  }
}

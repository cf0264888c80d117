package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Vault settings beyond the mission's keys: mount, TLS, authentication, timeout. */
class VaultSettingsParserTest {

  private static final String TOKEN = "hvs.CAESIParserTestToken7";

  private static ParseResult parse(Map<String, String> values) {
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key)));
  }

  private static Map<String, String> vault(String... keyValues) {
    Map<String, String> values = new HashMap<>();
    values.put("OpenServiceMesh.certificateManager", "vault");
    values.put("OpenServiceMesh.vault.host", "vault.vault.svc");
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return values;
  }

  @Test
  void kubernetesAuthNeedsItsRoleAndNoToken() {
    ParseResult result = parse(vault("OpenServiceMesh.vault.authMethod", "kubernetes"));

    assertThat(result.problems())
        .containsExactly(
            new ConfigProblem(
                "OpenServiceMesh.vault.kubernetesRole",
                "OpenServiceMesh.vault.kubernetesRole is required when"
                    + " OpenServiceMesh.vault.authMethod is kubernetes (set it with --set"
                    + " OpenServiceMesh.vault.kubernetesRole=<kubernetesRole> or the environment"
                    + " variable OpenServiceMesh_vault_kubernetesRole)"));
  }

  @Test
  void kubernetesAuthWithItsRoleIsValid() {
    VaultSettings settings =
        parse(
                vault(
                    "OpenServiceMesh.vault.authMethod", "Kubernetes",
                    "OpenServiceMesh.vault.kubernetesRole", "osm-controller",
                    "OpenServiceMesh.vault.kubernetesMount", "k8s/prod",
                    "OpenServiceMesh.vault.serviceAccountTokenPath", "/var/run/osm/token"))
            .orElseThrow()
            .vault();

    assertThat(settings.authMethod()).isEqualTo(VaultAuthMethod.KUBERNETES);
    assertThat(settings.kubernetesRole()).isEqualTo("osm-controller");
    assertThat(settings.kubernetesMount()).isEqualTo("k8s/prod");
    assertThat(settings.serviceAccountTokenPath()).isEqualTo(Path.of("/var/run/osm/token"));
    assertThat(settings.token()).isNull();
  }

  @Test
  void aStaticTokenBesideKubernetesAuthIsRefusedWithoutShowingIt() {
    ParseResult result =
        parse(
            vault(
                "OpenServiceMesh.vault.authMethod", "kubernetes",
                "OpenServiceMesh.vault.kubernetesRole", "osm-controller",
                "OpenServiceMesh.vault.token", TOKEN));

    assertThat(result.problems())
        .containsExactly(
            new ConfigProblem(
                "OpenServiceMesh.vault.token",
                "OpenServiceMesh.vault.token is only used when OpenServiceMesh.vault.authMethod"
                    + " is token, but it is kubernetes: set OpenServiceMesh.vault.authMethod to"
                    + " token, or leave OpenServiceMesh.vault.token unset"));
    assertThat(result.toString()).doesNotContain(TOKEN);
  }

  @Test
  void aCaFileOverPlainHttpIsRefused() {
    ParseResult result =
        parse(
            vault(
                "OpenServiceMesh.vault.token", TOKEN,
                "OpenServiceMesh.vault.protocol", "http",
                "OpenServiceMesh.vault.caFile", "/etc/vault/ca.pem"));

    assertThat(result.problems())
        .extracting(ConfigProblem::message)
        .containsExactly(
            "OpenServiceMesh.vault.caFile is only used when OpenServiceMesh.vault.protocol is"
                + " https, but it is http: set OpenServiceMesh.vault.protocol to https, or leave"
                + " OpenServiceMesh.vault.caFile unset");
  }

  @Test
  void aCaFileOverHttpsIsKept() {
    VaultSettings settings =
        parse(
                vault(
                    "OpenServiceMesh.vault.token", TOKEN,
                    "OpenServiceMesh.vault.protocol", "https",
                    "OpenServiceMesh.vault.caFile", "/etc/vault/ca.pem",
                    "OpenServiceMesh.vault.requestTimeout", "2.5s"))
            .orElseThrow()
            .vault();

    assertThat(settings.caFile()).isEqualTo(Path.of("/etc/vault/ca.pem"));
    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void crossChecksOnlyApplyWhenVaultIsTheManager() {
    ParseResult result =
        parse(
            Map.of(
                "OpenServiceMesh.vault.caFile", "/etc/vault/ca.pem",
                "OpenServiceMesh.vault.authMethod", "kubernetes"));

    assertThat(result.problems()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pki", "pki_int", "pki-int/mesh", "team.a/pki"})
  void acceptsMountPaths(String mount) {
    assertThat(
            parse(vault("OpenServiceMesh.vault.token", TOKEN, "OpenServiceMesh.vault.pkiMount", mount))
                .orElseThrow()
                .vault()
                .pkiMount())
        .isEqualTo(mount);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/pki       | (leave out the leading and trailing '/')",
        "pki/       | (leave out the leading and trailing '/')",
        "v1/pki     | (leave out /v1/, which is added to every request)",
        "pki/../sys | (a segment cannot be only dots)",
      })
  void refusesMountPathsThatWouldChangeTheRequestPath(String mount, String detail) {
    ParseResult result =
        parse(vault("OpenServiceMesh.vault.token", TOKEN, "OpenServiceMesh.vault.pkiMount", mount));

    assertThat(result.problems()).hasSize(1);
    assertThat(result.problems().get(0).message())
        .startsWith("OpenServiceMesh.vault.pkiMount must be a Vault mount path")
        .endsWith(detail);
  }

  @Test
  void theEffectiveSettingsShowTheNewKeys() {
    String description =
        EffectiveSettings.describe(
            parse(vault("OpenServiceMesh.vault.token", TOKEN)).orElseThrow());

    assertThat(description)
        .contains("OpenServiceMesh.vault.pkiMount = pki")
        .contains("OpenServiceMesh.vault.caFile = (not set)")
        .contains("OpenServiceMesh.vault.authMethod = token")
        .contains("OpenServiceMesh.vault.kubernetesRole = (not set)")
        .contains("OpenServiceMesh.vault.requestTimeout = 10s")
        .doesNotContain(TOKEN);
  }
}

package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvConfigSourceTest {

  @TempDir Path temp;

  @Test
  void theMissionsLineSelectsTheCertificateManager() throws Exception {
    DotEnvConfigSource source = source("export CERT_MANAGER=tresor\n");

    ParseResult result = MeshSettingsParser.parse(key -> Optional.ofNullable(source.getValue(key)));

    assertThat(source.getValue("CERT_MANAGER")).isEqualTo("tresor");
    assertThat(result.orElseThrow().certificateManager()).isEqualTo(IssuerBackendKind.TRESOR);
  }

  @Test
  void keysAreMatchedAsMicroProfileConfigMatchesEnvironmentVariables() throws Exception {
    DotEnvConfigSource source = source("""
        OpenServiceMesh_vault_host=localhost
        OPENSERVICEMESH_VAULT_PROTOCOL=http
        OpenServiceMesh.vault.role=openservicemesh
        """);

    assertThat(source.getValue("OpenServiceMesh.vault.host")).isEqualTo("localhost");
    assertThat(source.getValue("OpenServiceMesh.vault.protocol")).isEqualTo("http");
    assertThat(source.getValue("OpenServiceMesh.vault.role")).isEqualTo("openservicemesh");
    assertThat(source.getValue("OpenServiceMesh.vault.port")).isNull();
  }

  @Test
  void noFileMeansAnEmptySourceBelowTheEnvironment() {
    DotEnvConfigSource absent = new DotEnvConfigSource(Optional.of(temp.resolve("missing.env")));
    DotEnvConfigSource unnamed = new DotEnvConfigSource(Optional.empty());

    assertThat(absent.getPropertyNames()).isEmpty();
    assertThat(unnamed.getPropertyNames()).isEmpty();
    assertThat(absent.getOrdinal()).as("an exported variable (ordinal 300) wins").isLessThan(300);
  }

  @Test
  void theFileIsParsedLikeShellAssignments() {
    DotEnvFile file = DotEnvFile.parse("""
        # comment
        export A=1
        B="two words" # trailing
        C='#not a comment'
        D=plain # comment
        E=
        not an assignment
        F="unterminated
        """);

    assertThat(file.values()).containsExactly(entry("A", "1"), entry("B", "two words"),
        entry("C", "#not a comment"), entry("D", "plain"), entry("E", ""));
    assertThat(file.problems()).containsExactly(
        "line 7 is not KEY=value (or export KEY=value) and is ignored",
        "line 8 (F) has an unterminated quote and is ignored");
  }

  private DotEnvConfigSource source(String text) throws Exception {
    Path file = temp.resolve(".env");
    Files.writeString(file, text);
    return new DotEnvConfigSource(Optional.of(file));
  }
}

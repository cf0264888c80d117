package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigProblemTest {

  @Test
  void aSecretValueAndAnyDetailAboutItAreRedacted() {
    ConfigProblem problem =
        ConfigProblem.invalidValue(Setting.VAULT_TOKEN, "s.secret", Optional.of("it has s.secret"));

    assertThat(problem.message())
        .isEqualTo("OpenServiceMesh.vault.token must be a Vault token, got <redacted>");
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "ftp            | ftp",
        "1.5h           | 1.5h",
        "osm-system     | osm-system",
        "-1h            | \"-1h\"",
        "a b            | \"a b\"",
        "/var/osm       | \"/var/osm\"",
        "'say \"hi\"'   | '\"say \\\"hi\\\"\"'",
      })
  void showsPlainTokensBareAndQuotesTheRest(String value, String shown) {
    assertThat(ConfigProblem.displayed(value)).isEqualTo(shown);
  }

  @Test
  void controlCharactersCannotBreakTheLogLine() {
    assertThat(ConfigProblem.displayed("a\nb")).isEqualTo("\"a\\u000ab\"");
  }
}

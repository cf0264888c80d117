package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeps docs/configuration.md in step with {@link Setting}, the list it documents. */
class ConfigurationDocTest {

  // Maven runs tests from the project root.
  private static final Path DOC = Path.of("docs", "configuration.md");

  private static String doc;

  @BeforeAll
  static void readDoc() throws IOException {
    doc = Files.readString(DOC);
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everySettingHasARowWithItsDefaultAndAcceptedForm(Setting setting) {
    Optional<String> row =
        doc.lines().filter(line -> line.startsWith("| `" + setting.key() + "` |")).findFirst();

    assertThat(row).as("row for %s in %s", setting.key(), DOC).isPresent();
    setting.defaultValue().ifPresent(d -> assertThat(row.get()).contains("`" + d + "`"));
    assertThat(row.get()).contains(setting.acceptedForm());
  }
}

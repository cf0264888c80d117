package io.openservicemesh.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePasswordTest {

  @Test
  void aFirstStartMakesARandomPassword(@TempDir Path tls) {
    char[] first = StorePassword.keptOrNew(tls.resolve(ServingTlsPublisher.ENDPOINTS_CONFIG));
    char[] other = StorePassword.keptOrNew(tls.resolve(ServingTlsPublisher.ENDPOINTS_CONFIG));

    assertThat(new String(first)).matches("[A-Za-z0-9]{32}").isNotEqualTo(new String(other));
  }

  @Test
  void aRestartKeepsThePasswordTheIncludeOfTheRunBeforeNames(@TempDir Path tls) throws Exception {
    char[] before = StorePassword.random();
    Path include = tls.resolve(ServingTlsPublisher.ENDPOINTS_CONFIG);
    Files.writeString(include, template().replace("@PASSWORD@", new String(before)));

    assertThat(StorePassword.keptOrNew(include)).isEqualTo(before);
  }

  @Test
  void anIncludeWithoutAUsablePasswordGetsANewOne(@TempDir Path tls) throws Exception {
    Path include = tls.resolve(ServingTlsPublisher.ENDPOINTS_CONFIG);
    Files.writeString(include, template().replace("@PASSWORD@", "short\"/><evil"));

    assertThat(new String(StorePassword.keptOrNew(include))).matches("[A-Za-z0-9]{32}");
  }

  /** The include as the application ships it, so a change of its variable's form breaks this test. */
  private static String template() throws Exception {
    try (InputStream in = ServingTlsPublisher.class.getResourceAsStream(ServingTlsPublisher.ENDPOINTS_CONFIG)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EffectiveSettingsTest {

  private static MeshSettings parsed(Map<String, String> values) {
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
  }

  @Test
  void listsEveryKeyWithItsEffectiveValue() {
    String description = EffectiveSettings.describe(parsed(Map.of()));

    for (Setting setting : Setting.values()) {
      assertThat(description).contains("  " + setting.key() + " = ");
    }
    assertThat(description)
        .contains("OpenServiceMesh.serviceCertValidityDuration = 24h0m0s")
        .contains("OpenServiceMesh.certClockSkewAllowance = 1m0s")
        .contains("OpenServiceMesh.certKeyBitSize = (unused: no key is rsa)")
        .contains("OpenServiceMesh.vault.host = (not set)")
        .contains("OpenServiceMesh.vault.token = (not set)");
  }

  @Test
  void redactsTheTokenAndShowsTheRsaSize() {
    String description =
        EffectiveSettings.describe(
            parsed(
                Map.of(
                    "OpenServiceMesh.vault.token", "s.topsecret",
                    "OpenServiceMesh.caKeyAlgorithm", "rsa",
                    "OpenServiceMesh.certKeyBitSize", "4096")));

    assertThat(description)
        .doesNotContain("s.topsecret")
        .contains("OpenServiceMesh.vault.token = <redacted>")
        .contains("OpenServiceMesh.certKeyBitSize = 4096");
  }
}

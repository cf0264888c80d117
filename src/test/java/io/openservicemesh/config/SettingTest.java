package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SettingTest {

  @Test
  void keysAreUnique() {
    assertThat(Arrays.stream(Setting.values()).map(Setting::key)).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everySettingIsDescribed(Setting setting) {
    assertThat(setting.key()).startsWith("OpenServiceMesh.");
    assertThat(setting.acceptedForm()).isNotBlank();
    assertThat(setting.description()).isNotBlank().endsWith(".");
    assertThat(Setting.forKey(setting.key())).contains(setting);
  }

  @Test
  void environmentVariablesReplaceDotsWithUnderscores() {
    assertThat(Setting.CERTIFICATE_MANAGER.environmentVariable())
        .isEqualTo("OpenServiceMesh_certificateManager");
    assertThat(Setting.VAULT_HOST.environmentVariable()).isEqualTo("OpenServiceMesh_vault_host");
  }

  @Test
  void onlyTheVaultTokenIsSecret() {
    assertThat(Arrays.stream(Setting.values()).filter(Setting::isSecret))
        .containsExactly(Setting.VAULT_TOKEN);
    assertThat(Setting.VAULT_TOKEN.shown("s.abc")).isEqualTo("<redacted>");
    assertThat(Setting.VAULT_HOST.shown("vault")).isEqualTo("vault");
  }

  @Test
  void placeholdersComeFromTheLastPartOfTheKey() {
    assertThat(Setting.VAULT_TOKEN.placeholder()).isEqualTo("<token>");
    assertThat(Setting.OSM_NAMESPACE.placeholder()).isEqualTo("<osmNamespace>");
  }

  @Test
  void onlySettingsWithoutANaturalValueLackADefault() {
    assertThat(Arrays.stream(Setting.values()).filter(s -> s.defaultValue().isEmpty()))
        .containsExactly(
            Setting.VAULT_HOST,
            Setting.VAULT_TOKEN,
            Setting.VAULT_CA_FILE,
            Setting.VAULT_KUBERNETES_ROLE,
            // Unset means no client authentication of the webhooks' callers: there is no natural CA file.
            Setting.WEBHOOK_CLIENT_CA_FILE);
  }
}

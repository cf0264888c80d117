package io.openservicemesh.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartOnlySettingsTest {

  private static MeshSettings settings(Map<String, String> values) {
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
  }

  @Test
  void renewalSettingsAreFollowedWithoutARestart() {
    MeshSettings changed = settings(Map.of(
        "OpenServiceMesh.serviceCertValidityDuration", "12h",
        "OpenServiceMesh.internalCertValidityDuration", "720h",
        "OpenServiceMesh.certKeyAlgorithm", "rsa",
        "OpenServiceMesh.rotationRenewBeforeFraction", "0.5"));

    assertThat(RestartOnlySettings.changed(settings(Map.of()), changed)).isEmpty();
  }

  @Test
  void namesTheSettingsThatNeedARestart() {
    MeshSettings changed = settings(Map.of(
        "OpenServiceMesh.trustDomain", "example.org",
        "OpenServiceMesh.rotationCheckInterval", "10s",
        "OpenServiceMesh.vault.port", "8201",
        "OpenServiceMesh.sds.maxStreamAge", "1h"));

    assertThat(RestartOnlySettings.changed(settings(Map.of()), changed)).containsExactly(
        "OpenServiceMesh.trustDomain", "OpenServiceMesh.vault.*", "OpenServiceMesh.sds.*",
        "OpenServiceMesh.rotationCheckInterval");
  }

  @Test
  void theWebhookNamesNeedARestart() {
    MeshSettings changed = settings(Map.of(
        "OpenServiceMesh.webhookConfigNamePrefix", "other",
        "OpenServiceMesh.webhook.extraServingNames", "localhost"));

    assertThat(RestartOnlySettings.changed(settings(Map.of()), changed)).containsExactly(
        "OpenServiceMesh.webhookConfigNamePrefix", "OpenServiceMesh.webhook.extraServingNames");
  }

  @Test
  void inForceKeepsRestartOnlyValuesAndTakesTheRest() {
    MeshSettings startup = settings(Map.of());
    MeshSettings current = settings(Map.of(
        "OpenServiceMesh.trustDomain", "example.org",
        "OpenServiceMesh.rotationCheckInterval", "10s",
        "OpenServiceMesh.sds.maxStreamAge", "1h",
        "OpenServiceMesh.webhook.extraServingNames", "localhost",
        "OpenServiceMesh.serviceCertValidityDuration", "12h",
        "OpenServiceMesh.rotationRenewBeforeFraction", "0.5",
        "OpenServiceMesh.envoyLogLevel", "debug",
        "OpenServiceMesh.sidecarInjectionDefault", "enabled"));

    MeshSettings inForce = RestartOnlySettings.inForce(startup, current);

    assertThat(RestartOnlySettings.changed(startup, inForce)).isEmpty();
    assertThat(inForce.serviceCertValidity()).isEqualTo(current.serviceCertValidity());
    assertThat(inForce.rotation().renewBeforeFraction()).isEqualTo(0.5);
    assertThat(inForce.injector()).isEqualTo(current.injector());
    // Every value that is not restart-only is taken: in force equals current once those are put back.
    assertThat(RestartOnlySettings.inForce(startup, settings(Map.of(
        "OpenServiceMesh.serviceCertValidityDuration", "12h",
        "OpenServiceMesh.rotationRenewBeforeFraction", "0.5",
        "OpenServiceMesh.envoyLogLevel", "debug",
        "OpenServiceMesh.sidecarInjectionDefault", "enabled")))).isEqualTo(inForce);
  }
}

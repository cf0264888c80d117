package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What a running control plane follows is derived from each setting's own {@link Setting#live()}. */
class InForceRuleTest {

  private static final Map<String, String> STARTUP = Map.of("OpenServiceMesh.osmNamespace", "osm-test");

  private static Function<String, Optional<String>> lookup(Map<String, String> values) {
    return key -> Optional.ofNullable(values.get(key));
  }

  private static Map<String, String> startupWith(Map<String, String> changes) {
    Map<String, String> values = new HashMap<>(STARTUP);
    values.putAll(changes);
    return values;
  }

  private static MeshSettings inForce(Map<String, String> changes) {
    return MeshSettingsParser.parse(InForceRule.inForce(lookup(STARTUP), lookup(startupWith(changes))))
        .orElseThrow();
  }

  @Test
  void theLiveSettingsAreWhatTheNextIssuanceRenewalOrInjectionReads() {
    assertThat(Setting.liveSettings()).isEqualTo(EnumSet.of(
        Setting.SERVICE_CERT_VALIDITY_DURATION,
        Setting.CERT_KEY_ALGORITHM,
        Setting.CERT_KEY_BIT_SIZE,
        Setting.INTERNAL_CERT_VALIDITY_DURATION,
        Setting.ROTATION_RENEW_BEFORE_FRACTION,
        Setting.ROTATION_JITTER_FRACTION,
        Setting.ALLOW_SHORT_CERT_VALIDITY,
        Setting.SIDECAR_IMAGE,
        Setting.INIT_CONTAINER_IMAGE,
        Setting.ENVOY_LOG_LEVEL,
        Setting.OUTBOUND_PORT_EXCLUSION_LIST,
        Setting.OUTBOUND_IP_RANGE_EXCLUSION_LIST,
        Setting.ENABLE_PROMETHEUS_SCRAPING,
        Setting.SIDECAR_INJECTION_DEFAULT,
        Setting.BOOTSTRAP_SECRET_GRACE_PERIOD));
  }

  @Test
  void liveSettingsAreTakenAsNowAndNothingWaits() {
    Map<String, String> changes = Map.of(
        "OpenServiceMesh.serviceCertValidityDuration", "12h",
        "OpenServiceMesh.internalCertValidityDuration", "720h",
        "OpenServiceMesh.certKeyAlgorithm", "rsa",
        "OpenServiceMesh.rotationRenewBeforeFraction", "0.5",
        "OpenServiceMesh.envoyLogLevel", "debug",
        "OpenServiceMesh.sidecarInjectionDefault", "enabled");

    MeshSettings settings = inForce(changes);

    assertThat(settings).isEqualTo(MeshSettingsParser.parse(lookup(startupWith(changes))).orElseThrow());
    assertThat(InForceRule.waitingForRestart(lookup(STARTUP), lookup(startupWith(changes)))).isEmpty();
  }

  @Test
  void restartOnlySettingsStayAsTheyStartedAndAreNamedAsWaiting() {
    Map<String, String> changes = Map.of(
        "OpenServiceMesh.trustDomain", "example.org",
        "OpenServiceMesh.rotationCheckInterval", "10s",
        "OpenServiceMesh.vault.port", "8201",
        "OpenServiceMesh.sds.maxStreamAge", "1h",
        "OpenServiceMesh.webhookConfigNamePrefix", "other",
        "OpenServiceMesh.webhook.extraServingNames", "localhost",
        "OpenServiceMesh.serviceCertValidityDuration", "12h");

    MeshSettings settings = inForce(changes);

    assertThat(settings.trustDomain()).isEqualTo("cluster.local");
    assertThat(settings.rotation().checkInterval()).isEqualTo(
        MeshSettingsParser.parse(lookup(STARTUP)).orElseThrow().rotation().checkInterval());
    assertThat(settings.webhooks().extraServingNames()).isEmpty();
    assertThat(settings.serviceCertValidity()).hasHours(12);
    assertThat(InForceRule.waitingForRestart(lookup(STARTUP), lookup(startupWith(changes)))).containsExactly(
        "OpenServiceMesh.trustDomain", "OpenServiceMesh.vault.port", "OpenServiceMesh.sds.maxStreamAge",
        "OpenServiceMesh.rotationCheckInterval", "OpenServiceMesh.webhookConfigNamePrefix",
        "OpenServiceMesh.webhook.extraServingNames");
  }

  @Test
  void everyRestartOnlySettingChangedIsReportedAndEveryLiveOneIsNot() {
    for (Setting setting : Setting.values()) {
      Map<String, String> changed = startupWith(Map.of(setting.key(), "some other value"));

      Set<String> waiting = Set.copyOf(InForceRule.waitingForRestart(lookup(STARTUP), lookup(changed)));

      assertThat(waiting.contains(setting.key())).as(setting.key()).isEqualTo(!setting.live());
    }
  }

  @Test
  void anAliasIsRestartOnlyWithItsSettingAndABlankValueMeansUnset() {
    Map<String, String> aliased = startupWith(Map.of("CERT_MANAGER", "vault"));
    Map<String, String> blank = startupWith(Map.of("OpenServiceMesh.trustDomain", " "));

    assertThat(InForceRule.waitingForRestart(lookup(STARTUP), lookup(aliased)))
        .containsExactly("OpenServiceMesh.certificateManager");
    assertThat(InForceRule.inForce(lookup(STARTUP), lookup(aliased)).apply("CERT_MANAGER")).isEmpty();
    assertThat(InForceRule.waitingForRestart(lookup(STARTUP), lookup(blank))).isEmpty();
  }
}

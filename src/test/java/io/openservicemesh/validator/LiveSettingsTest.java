package io.openservicemesh.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.config.ConfigProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every rule of the osm-config ConfigMap, valid and invalid. */
class LiveSettingsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "OpenServiceMesh.serviceCertValidityDuration|1h30m",
      "OpenServiceMesh.serviceCertValidityDuration|10m",
      "OpenServiceMesh.serviceCertValidityDuration|1.5h",
      "OpenServiceMesh.certKeyAlgorithm|ecdsa-p384",
      "OpenServiceMesh.certKeyAlgorithm|rsa",
      "OpenServiceMesh.certKeyBitSize|4096",
      "OpenServiceMesh.sidecarInjectionDefault|enabled",
      "OpenServiceMesh.envoyLogLevel|warning",
      "OpenServiceMesh.envoyLogLevel|off",
      "OpenServiceMesh.outboundPortExclusionList|6379,5432",
      "OpenServiceMesh.outboundPortExclusionList|[]",
      "OpenServiceMesh.outboundIPRangeExclusionList|10.0.0.0/8,169.254.169.254/32",
      "OpenServiceMesh.enablePrometheusScraping|false",
      "OpenServiceMesh.sidecarImage|envoyproxy/envoy:v1.29.0",
      "OpenServiceMesh.initContainerImage|registry.local/init:v2"})
  void validValuesPass(String key, String value) {
    assertThat(LiveSettings.problems(Map.of(key, value))).isEmpty();
    assertThat(LiveSettings.accepted(Map.of(key, value))).containsEntry(key, value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "OpenServiceMesh.serviceCertValidityDuration|24|a positive duration such as 24h, 30m, 1.5h or 1h30m, got 24 (missing unit after \"24\")",
      "OpenServiceMesh.serviceCertValidityDuration|500ms|got 500ms (the minimum is 10m",
      "OpenServiceMesh.serviceCertValidityDuration|-1h|got \"-1h\"",
      "OpenServiceMesh.certKeyAlgorithm|dsa|one of [ecdsa-p256, ecdsa-p384, rsa], got dsa",
      "OpenServiceMesh.certKeyBitSize|1024|one of [2048, 3072, 4096], got 1024",
      "OpenServiceMesh.sidecarInjectionDefault|maybe|one of [enabled, disabled], got maybe",
      "OpenServiceMesh.envoyLogLevel|verbose|one of [trace, debug, info, warning, warn, error, critical, off], got verbose",
      "OpenServiceMesh.outboundPortExclusionList|65536|(65536 is outside 1..65535)",
      "OpenServiceMesh.outboundPortExclusionList|80,http|(http is not a port number)",
      "OpenServiceMesh.outboundIPRangeExclusionList|10.0.0.0|(10.0.0.0 has no prefix length",
      "OpenServiceMesh.outboundIPRangeExclusionList|10.0.0.0/40|has a prefix length outside 0..32",
      "OpenServiceMesh.enablePrometheusScraping|yes|one of [true, false], got yes",
      "OpenServiceMesh.sidecarImage|my image|no spaces"})
  void invalidValuesNameTheKeyTheValueAndTheAcceptedForm(String key, String value, String expected) {
    List<ConfigProblem> problems = LiveSettings.problems(Map.of(key, value));

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo(key);
      assertThat(p.message()).startsWith(key + " must be ").contains(expected);
    });
    assertThat(LiveSettings.accepted(Map.of(key, value))).isEmpty();
  }

  @Test
  void unknownKeysAndInstallTimeKeysAreRefused() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("service_cert_validity_duration", "24h");
    data.put("OpenServiceMesh.certificateManager", "vault");

    List<ConfigProblem> problems = LiveSettings.problems(data);

    assertThat(problems).extracting(ConfigProblem::key)
        .containsExactly("service_cert_validity_duration", "OpenServiceMesh.certificateManager");
    assertThat(problems.get(0).message()).startsWith("unknown key service_cert_validity_duration in ConfigMap"
        + " osm-config; the keys it accepts are [OpenServiceMesh.serviceCertValidityDuration");
    assertThat(problems.get(1).message()).startsWith("OpenServiceMesh.certificateManager cannot be changed while"
        + " the control plane runs; set it at install");
  }

  @Test
  void everyProblemIsListedAndTheGoodEntriesAreStillAccepted() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("OpenServiceMesh.serviceCertValidityDuration", "2h");
    data.put("OpenServiceMesh.envoyLogLevel", "loud");
    data.put("OpenServiceMesh.outboundPortExclusionList", "0");
    data.put("bogus", "x");

    assertThat(LiveSettings.problems(data)).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
        "OpenServiceMesh.envoyLogLevel", "OpenServiceMesh.outboundPortExclusionList", "bogus");
    assertThat(LiveSettings.accepted(data)).containsExactly(Map.entry("OpenServiceMesh.serviceCertValidityDuration", "2h"));
  }

  @Test
  void entriesAreJudgedWithTheInstallTimeSettingsTheyOverride() {
    Map<String, String> data = Map.of("OpenServiceMesh.serviceCertValidityDuration", "2m");
    Map<String, String> installed = Map.of("OpenServiceMesh.allowShortCertValidity", "true");

    // Against the defaults 2m is under the 10m minimum; the installation allows short validities.
    assertThat(LiveSettings.problems(data)).extracting(ConfigProblem::key)
        .containsExactly("OpenServiceMesh.serviceCertValidityDuration");
    assertThat(LiveSettings.problems(data, key -> java.util.Optional.ofNullable(installed.get(key)))).isEmpty();
    assertThat(LiveSettings.accepted(data, key -> java.util.Optional.ofNullable(installed.get(key))))
        .isEqualTo(data);
  }
}

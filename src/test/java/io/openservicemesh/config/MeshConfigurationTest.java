package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.testing.LogCapture;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeshConfigurationTest {

  private final Map<String, String> values = new HashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final MeshConfiguration configuration =
      new MeshConfiguration(
          key -> {
            lookups.incrementAndGet();
            return Optional.ofNullable(values.get(key));
          });

  private LogCapture log;

  @BeforeEach
  void captureLogs() {
    log = LogCapture.of(MeshConfiguration.class);
  }

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  @Test
  void parsesOnceAndKeepsTheResult() {
    ParseResult first = configuration.current();
    int lookupsForOneParse = lookups.get();

    assertThat(configuration.current()).isSameAs(first);
    assertThat(lookups.get()).isEqualTo(lookupsForOneParse);
  }

  @Test
  void logsEachProblemOnceAtSevere() {
    values.put("OpenServiceMesh.vault.protocol", "ftp");

    configuration.current();
    configuration.current();

    assertThat(log.records())
        .filteredOn(r -> r.getLevel() == Level.SEVERE)
        .extracting(LogRecord::getMessage)
        .containsExactly("OpenServiceMesh.vault.protocol must be one of [http, https], got ftp");
  }

  @Test
  void warnsOnceWhenTheMissionsCertManagerVariableDisagreesWithTheKeyWhichWins() {
    values.put("OpenServiceMesh.certificateManager", "vault");
    values.put("OpenServiceMesh.vault.host", "vault.example.com");
    values.put("OpenServiceMesh.vault.token", "s.topsecret");
    values.put("CERT_MANAGER", "tresor");

    configuration.current();
    configuration.refresh();

    assertThat(configuration.current().orElseThrow().certificateManager()).isEqualTo(IssuerBackendKind.VAULT);
    assertThat(log.records()).filteredOn(r -> r.getLevel() == Level.WARNING).extracting(LogRecord::getMessage)
        .containsExactly("OpenServiceMesh.certificateManager=vault and CERT_MANAGER=tresor are both set:"
            + " OpenServiceMesh.certificateManager wins; unset CERT_MANAGER (or make them agree) to remove the doubt");
  }

  @Test
  void logsTheEffectiveSettingsWithoutSecrets() {
    values.put("OpenServiceMesh.vault.token", "s.topsecret");

    assertThat(configuration.current().isValid()).isTrue();

    assertThat(log.records()).extracting(LogRecord::getLevel).containsExactly(Level.INFO);
    assertThat(log.records().get(0).getMessage())
        .contains("OpenServiceMesh.vault.token = <redacted>")
        .doesNotContain("s.topsecret");
  }

  @Test
  void reloadReadsTheConfigurationAgain() {
    assertThat(configuration.current().orElseThrow().osmNamespace()).isEqualTo("osm-system");

    values.put("OpenServiceMesh.osmNamespace", "mesh");
    ParseResult reloaded = configuration.reload();

    assertThat(reloaded.orElseThrow().osmNamespace()).isEqualTo("mesh");
    assertThat(configuration.current()).isSameAs(reloaded);
  }

  @Test
  void refreshFollowsChangesAndLogsOnlyWhenSomethingChanged() {
    configuration.current();
    log.clear();

    ParseResult unchanged = configuration.refresh();
    configuration.refresh();
    assertThat(log.records()).isEmpty();
    assertThat(unchanged.orElseThrow().serviceCertValidity()).isEqualTo(java.time.Duration.ofHours(24));

    values.put("OpenServiceMesh.serviceCertValidityDuration", "12h");
    ParseResult changed = configuration.refresh();
    configuration.refresh();

    assertThat(changed.orElseThrow().serviceCertValidity()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(log.records()).extracting(LogRecord::getMessage)
        .first().isEqualTo("the mesh configuration changed");
    assertThat(log.records()).hasSize(2);
    assertThat(configuration.current()).isSameAs(changed);
  }

  @Test
  void aBadEditIsReportedOnceByRefresh() {
    configuration.current();
    log.clear();
    values.put("OpenServiceMesh.serviceCertValidityDuration", "soon");

    assertThat(configuration.refresh().isValid()).isFalse();
    configuration.refresh();

    assertThat(log.records()).filteredOn(r -> r.getLevel() == Level.SEVERE).hasSize(1);
    assertThat(configuration.current().isValid()).as("the valid settings stay current").isTrue();

    values.remove("OpenServiceMesh.serviceCertValidityDuration");
    assertThat(configuration.refresh().isValid()).isTrue();
    assertThat(log.records()).extracting(LogRecord::getMessage).contains("the mesh configuration changed");
  }
}

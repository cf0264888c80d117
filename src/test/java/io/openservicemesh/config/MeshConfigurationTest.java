package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeshConfigurationTest {

  private final Logger logger = Logger.getLogger(MeshConfiguration.class.getName());
  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private final Map<String, String> values = new HashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final MeshConfiguration configuration =
      new MeshConfiguration(
          key -> {
            lookups.incrementAndGet();
            return Optional.ofNullable(values.get(key));
          });

  // Kept off the console: the records are asserted on, and printing them only adds noise.
  private boolean usedParentHandlers;

  @BeforeEach
  void captureLogs() {
    usedParentHandlers = logger.getUseParentHandlers();
    logger.setUseParentHandlers(false);
    logger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    logger.removeHandler(capture);
    logger.setUseParentHandlers(usedParentHandlers);
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

    assertThat(logged)
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
    assertThat(logged).filteredOn(r -> r.getLevel() == Level.WARNING).extracting(LogRecord::getMessage)
        .containsExactly("OpenServiceMesh.certificateManager=vault and CERT_MANAGER=tresor are both set:"
            + " OpenServiceMesh.certificateManager wins; unset CERT_MANAGER (or make them agree) to remove the doubt");
  }

  @Test
  void logsTheEffectiveSettingsWithoutSecrets() {
    values.put("OpenServiceMesh.vault.token", "s.topsecret");

    assertThat(configuration.current().isValid()).isTrue();

    assertThat(logged).extracting(LogRecord::getLevel).containsExactly(Level.INFO);
    assertThat(logged.get(0).getMessage())
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
    logged.clear();

    ParseResult unchanged = configuration.refresh();
    configuration.refresh();
    assertThat(logged).isEmpty();
    assertThat(unchanged.orElseThrow().serviceCertValidity()).isEqualTo(java.time.Duration.ofHours(24));

    values.put("OpenServiceMesh.serviceCertValidityDuration", "12h");
    ParseResult changed = configuration.refresh();
    configuration.refresh();

    assertThat(changed.orElseThrow().serviceCertValidity()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(logged).extracting(LogRecord::getMessage)
        .first().isEqualTo("the mesh configuration changed");
    assertThat(logged).hasSize(2);
    assertThat(configuration.current()).isSameAs(changed);
  }

  @Test
  void aBadEditIsReportedOnceByRefresh() {
    configuration.current();
    logged.clear();
    values.put("OpenServiceMesh.serviceCertValidityDuration", "soon");

    assertThat(configuration.refresh().isValid()).isFalse();
    configuration.refresh();

    assertThat(logged).filteredOn(r -> r.getLevel() == Level.SEVERE).hasSize(1);
    assertThat(configuration.current().isValid()).as("the valid settings stay current").isTrue();

    values.remove("OpenServiceMesh.serviceCertValidityDuration");
    assertThat(configuration.refresh().isValid()).isTrue();
    assertThat(logged).extracting(LogRecord::getMessage).contains("the mesh configuration changed");
  }
}

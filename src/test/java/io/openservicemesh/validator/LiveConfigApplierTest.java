package io.openservicemesh.validator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveConfigApplierTest {

  private final AtomicInteger reloads = new AtomicInteger();
  private final LiveConfigApplier applier = new LiveConfigApplier(reloads::incrementAndGet);

  @AfterEach
  void reset() {
    LiveConfigSource.replace(Map.of());
  }

  @Test
  void aValidChangeReachesTheConfigSourceAndReloads() {
    assertThat(applier.apply(Map.of("OpenServiceMesh.serviceCertValidityDuration", "2h"))).isTrue();

    assertThat(new LiveConfigSource().getValue("OpenServiceMesh.serviceCertValidityDuration")).isEqualTo("2h");
    assertThat(new LiveConfigSource().getOrdinal()).isGreaterThan(400);
    assertThat(reloads).hasValue(1);
  }

  @Test
  void anInvalidValueIsIgnoredAndTheValidOnesApplied() {
    applier.apply(Map.of("OpenServiceMesh.serviceCertValidityDuration", "2h", "OpenServiceMesh.envoyLogLevel", "loud",
        "OpenServiceMesh.osmNamespace", "elsewhere"));

    assertThat(LiveConfigSource.current()).containsOnlyKeys("OpenServiceMesh.serviceCertValidityDuration");
  }

  @Test
  void theSameContentTwiceReloadsOnceAndDeletionRestoresInstallValues() {
    applier.apply(Map.of("OpenServiceMesh.envoyLogLevel", "debug"));
    assertThat(applier.apply(Map.of("OpenServiceMesh.envoyLogLevel", "debug"))).isFalse();
    assertThat(reloads).hasValue(1);

    assertThat(applier.apply(Map.of())).isTrue();
    assertThat(new LiveConfigSource().getValue("OpenServiceMesh.envoyLogLevel")).isNull();
    assertThat(reloads).hasValue(2);
  }

  @Test
  void anInvalidOnlyConfigChangesNothing() {
    assertThat(applier.apply(Map.of("OpenServiceMesh.envoyLogLevel", "loud"))).isFalse();
    assertThat(reloads).hasValue(0);
  }
}

package io.openservicemesh.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.config.MeshConfiguration;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.status.ControlPlaneStatus;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A configuration change, wherever it came from, reaches the control plane one way. */
class SettingsFollowerTest {

  private final Map<String, String> configured = new ConcurrentHashMap<>(Map.of("OpenServiceMesh.osmNamespace", "osm-test"));
  private final MeshConfiguration configuration = new MeshConfiguration(key -> Optional.ofNullable(configured.get(key)));
  private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
  private final MeshSettings startup = configuration.current().orElseThrow();
  private final CertificateStack stack = CertificateStack.build(startup, TestCa.fixedRootIssuer(clock), clock);
  private final RunningControlPlane running = new RunningControlPlane();
  private final SettingsFollower follower = new SettingsFollower();

  SettingsFollowerTest() {
    running.status = new ControlPlaneStatus();
    follower.configuration = configuration;
    follower.running = running;
  }

  @AfterEach
  void close() {
    stack.close();
  }

  private void start() {
    running.started(stack);
    follower.started(startup);
  }

  @Test
  void aChangeReshapesTheNextCertificatesAndInjectionsAndKeepsTheCache() {
    start();
    configured.putAll(Map.of(
        "OpenServiceMesh.serviceCertValidityDuration", "2h",
        "OpenServiceMesh.certKeyAlgorithm", "ecdsa-p384",
        "OpenServiceMesh.rotationRenewBeforeFraction", "1/2",
        "OpenServiceMesh.envoyLogLevel", "debug"));

    follower.follow();

    CertificateSpec spec = stack.specs().service(new ServiceIdentity("bookstore", "bookstore"));
    assertThat(spec.validity()).isEqualTo(Duration.ofHours(2));
    assertThat(spec.key().algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P384);
    assertThat(follower.current().orElseThrow().injector().envoyLogLevel()).isEqualTo("debug");
    assertThat(running.stack()).containsSame(stack);
    assertThat(stack.timing().policy().renewBeforeFraction()).isEqualTo(0.5);
  }

  @Test
  void restartOnlySettingsStayAsTheyStarted() {
    start();
    configured.putAll(Map.of(
        "OpenServiceMesh.trustDomain", "example.org",
        "OpenServiceMesh.webhook.extraServingNames", "localhost",
        "OpenServiceMesh.serviceCertValidityDuration", "2h"));

    follower.follow();

    MeshSettings now = follower.current().orElseThrow();
    assertThat(now.trustDomain()).isEqualTo("cluster.local");
    assertThat(now.webhooks().extraServingNames()).isEmpty();
    assertThat(stack.specs().service(new ServiceIdentity("bookstore", "bookstore")).commonName())
        .isEqualTo("bookstore.bookstore.cluster.local");
    assertThat(now.serviceCertValidity()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void anInvalidConfigurationLeavesTheSettingsInForce() {
    start();
    MeshSettings before = follower.current().orElseThrow();
    configured.put("OpenServiceMesh.serviceCertValidityDuration", "forever");

    follower.follow();

    assertThat(follower.current()).containsSame(before);
  }

  @Test
  void beforeTheControlPlaneIsReadyThereIsNothingToChange() {
    configured.put("OpenServiceMesh.serviceCertValidityDuration", "2h");

    follower.follow();

    assertThat(follower.current()).isEmpty();
    assertThat(stack.specs().service(new ServiceIdentity("bookstore", "bookstore")).validity())
        .isEqualTo(Duration.ofHours(24));
  }
}

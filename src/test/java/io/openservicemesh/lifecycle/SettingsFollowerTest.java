package io.openservicemesh.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.config.ParseResult;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A configuration change, wherever it came from, reaches the control plane one way. */
class SettingsFollowerTest {

  private static final Map<String, String> INSTALLED = Map.of("OpenServiceMesh.osmNamespace", "osm-test");

  private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
  private final MeshSettings startup = parse(Map.of()).orElseThrow();
  private final CertificateStack stack = CertificateStack.build(startup, TestCa.fixedRootIssuer(clock), clock);
  private final ControlPlane controlPlane = new ControlPlane();
  private final SettingsFollower follower = new SettingsFollower();

  SettingsFollowerTest() {
    follower.controlPlane = controlPlane;
  }

  @AfterEach
  void close() {
    stack.close();
  }

  private static ParseResult parse(Map<String, String> changes) {
    Map<String, String> values = new HashMap<>(INSTALLED);
    values.putAll(changes);
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key)));
  }

  @Test
  void aChangeReshapesTheNextCertificatesAndInjectionsAndKeepsTheManager() {
    controlPlane.ready(stack.certificates(), stack.rotation(), Map.of());

    follower.follow(parse(Map.of(
        "OpenServiceMesh.serviceCertValidityDuration", "2h",
        "OpenServiceMesh.certKeyAlgorithm", "ecdsa-p384",
        "OpenServiceMesh.rotationRenewBeforeFraction", "1/2",
        "OpenServiceMesh.envoyLogLevel", "debug")));

    ControlPlane.Certificates now = controlPlane.certificates().orElseThrow();
    CertificateSpec spec = now.specs().service(new ServiceIdentity("bookstore", "bookstore"));
    assertThat(spec.validity()).isEqualTo(Duration.ofHours(2));
    assertThat(spec.key().algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P384);
    assertThat(now.settings().injector().envoyLogLevel()).isEqualTo("debug");
    assertThat(now.manager()).isSameAs(stack.certificates().manager());
    assertThat(now.announcer()).isSameAs(stack.certificates().announcer());
    assertThat(stack.rotation().timing().policy().renewBeforeFraction()).isEqualTo(0.5);
  }

  @Test
  void restartOnlySettingsStayAsTheyStarted() {
    controlPlane.ready(stack.certificates(), stack.rotation(), Map.of());

    follower.follow(parse(Map.of(
        "OpenServiceMesh.trustDomain", "example.org",
        "OpenServiceMesh.webhook.extraServingNames", "localhost",
        "OpenServiceMesh.serviceCertValidityDuration", "2h")));

    ControlPlane.Certificates now = controlPlane.certificates().orElseThrow();
    assertThat(now.settings().trustDomain()).isEqualTo("cluster.local");
    assertThat(now.settings().webhooks().extraServingNames()).isEmpty();
    assertThat(now.specs().service(new ServiceIdentity("bookstore", "bookstore")).commonName())
        .isEqualTo("bookstore.bookstore.cluster.local");
    assertThat(now.settings().serviceCertValidity()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void anInvalidConfigurationLeavesTheSettingsInForce() {
    controlPlane.ready(stack.certificates(), stack.rotation(), Map.of());
    ControlPlane.Certificates before = controlPlane.certificates().orElseThrow();

    follower.follow(parse(Map.of("OpenServiceMesh.serviceCertValidityDuration", "forever")));

    assertThat(controlPlane.certificates()).containsSame(before);
  }

  @Test
  void beforeTheControlPlaneIsReadyThereIsNothingToChange() {
    follower.follow(parse(Map.of("OpenServiceMesh.serviceCertValidityDuration", "2h")));

    assertThat(controlPlane.certificates()).isEmpty();
  }
}

package io.openservicemesh.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.CertificateManager;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.ServiceIdentity;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlPlaneLiveSettingsTest {

  private static MeshSettings settings(Map<String, String> values) {
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
  }

  @Test
  void liveSettingsChangeTheShapeOfTheNextCertificateAndKeepTheManager() {
    MeshSettings before = settings(Map.of());
    CertificateManager manager = new CertificateManager(null, Clock.systemUTC());
    ControlPlane controlPlane = new ControlPlane();
    controlPlane.ready(new ControlPlane.Certificates(before, new MeshCertificateSpecs(before.trustDomain(),
        before.osmNamespace(), before.serviceCertValidity(), before.certKey()), manager), Map.of());

    controlPlane.applyLiveSettings(settings(Map.of("OpenServiceMesh.serviceCertValidityDuration", "2h",
        "OpenServiceMesh.certKeyAlgorithm", "ecdsa-p384")));

    ControlPlane.Certificates now = controlPlane.certificates().orElseThrow();
    var spec = now.specs().service(new ServiceIdentity("bookstore", "bookstore"));
    assertThat(spec.validity()).isEqualTo(Duration.ofHours(2));
    assertThat(spec.key().toString()).isEqualTo("ecdsa-p384");
    assertThat(now.manager()).isSameAs(manager);
  }

  @Test
  void beforeTheControlPlaneIsReadyThereIsNothingToChange() {
    ControlPlane controlPlane = new ControlPlane();
    controlPlane.applyLiveSettings(settings(Map.of()));
    assertThat(controlPlane.certificates()).isEmpty();
  }
}

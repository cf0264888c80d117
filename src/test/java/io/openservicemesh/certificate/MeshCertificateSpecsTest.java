package io.openservicemesh.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MeshCertificateSpecsTest {

  private final MeshCertificateSpecs before =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), Duration.ofDays(3650),
          KeySpec.ECDSA_P256);
  private final MeshCertificateSpecs after =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(12), Duration.ofDays(30),
          KeySpec.rsa(2048));
  private final ServiceIdentity bookstore = new ServiceIdentity("bookstore", "bookstore-ns");

  @Test
  void aServiceRenewalTakesTheCurrentServiceValidityAndKeyAndKeepsItsNames() {
    CertificateSpec first = before.service(bookstore);

    CertificateSpec renewal = after.renewalOf(first);

    assertThat(renewal.validity()).isEqualTo(Duration.ofHours(12));
    assertThat(renewal.key()).isEqualTo(KeySpec.rsa(2048));
    assertThat(renewal.kind()).isEqualTo(CertificateKind.SERVICE);
    assertThat(renewal.commonName()).isEqualTo(first.commonName());
    assertThat(renewal.dnsNames()).isEqualTo(first.dnsNames());
    assertThat(renewal.uris()).isEqualTo(first.uris());
  }

  @Test
  void internalCertificatesTakeTheInternalValidity() {
    assertThat(after.renewalOf(before.mutatingWebhook()).validity()).isEqualTo(Duration.ofDays(30));
    assertThat(after.renewalOf(before.validatingWebhook()).validity()).isEqualTo(Duration.ofDays(30));
    CertificateSpec bootstrap = before.xdsBootstrap(new ProxyIdentity(UUID.randomUUID(), bookstore));
    assertThat(bootstrap.validity()).isEqualTo(Duration.ofDays(3650));
    assertThat(after.renewalOf(bootstrap).validity()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void theFourArgumentFormKeepsTheTenYearInternalValidity() {
    MeshCertificateSpecs classic =
        new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), KeySpec.ECDSA_P256);

    assertThat(classic.mutatingWebhook().validity()).isEqualTo(MeshCertificateSpecs.INTERNAL_VALIDITY);
    assertThat(classic.mutatingWebhook().commonName()).isEqualTo("osm-controller.osm-system.svc");
    assertThat(classic.validatingWebhook().commonName()).isEqualTo("osm-config-validator.osm-system.svc");
  }
}

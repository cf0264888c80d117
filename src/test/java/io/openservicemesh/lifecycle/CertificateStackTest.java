package io.openservicemesh.lifecycle;

import io.openservicemesh.rotation.RenewalPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.config.KeyAlgorithm;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.rotation.ServedCertificate;
import io.openservicemesh.rotation.RotationAnnouncer.SubscriberStatistics;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pieces start-up assembles work together: issuance, schedule, rotation, announcement. */
class CertificateStackTest {

  private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
  private final MeshSettings settings = settings(Map.of(
      "OpenServiceMesh.osmNamespace", "osm-test",
      "OpenServiceMesh.allowShortCertValidity", "true",
      "OpenServiceMesh.internalCertValidityDuration", "2m",
      "OpenServiceMesh.webhook.extraServingNames", "localhost"));
  private final CertificateStack stack = CertificateStack.build(settings, TestCa.fixedRootIssuer(clock), clock);

  @AfterEach
  void close() {
    stack.close();
  }

  private static List<String> dnsNames(Certificate certificate) throws Exception {
    return certificate.leaf().getSubjectAlternativeNames().stream()
        .filter(name -> (Integer) name.get(0) == 2) // dNSName
        .map(name -> (String) name.get(1))
        .toList();
  }

  private static MeshSettings settings(Map<String, String> values) {
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
  }

  @Test
  void issuesEachWebhooksServingCertificateUnderItsOwnNameAndRenewsThemWithAllTheirNames() throws Exception {
    Map<String, String> serials = stack.issueServingCertificates();
    MeshCertificateSpecs specs = stack.specs();
    List<ServedCertificate> served = stack.servedCertificates();
    assertThat(served).extracting(ServedCertificate::kind)
        .containsExactly(CertificateKind.MUTATING_WEBHOOK, CertificateKind.VALIDATING_WEBHOOK);
    Certificate mutating = served.get(0).current().orElseThrow();
    Certificate validating = served.get(1).current().orElseThrow();
    assertThat(mutating.commonName()).isEqualTo("osm-controller.osm-test.svc");
    assertThat(validating.commonName()).isEqualTo("osm-config-validator.osm-test.svc");
    assertThat(serials).containsExactly(Map.entry("osm-controller.osm-test.svc", mutating.serialHex()),
        Map.entry("osm-config-validator.osm-test.svc", validating.serialHex()));
    assertThat(dnsNames(mutating)).containsExactly("osm-controller.osm-test.svc",
        "osm-controller.osm-test.svc.cluster.local", "localhost");
    assertThat(dnsNames(validating)).containsExactly("osm-config-validator.osm-test.svc",
        "osm-config-validator.osm-test.svc.cluster.local", "localhost");
    assertThat(Duration.between(mutating.notBefore(), mutating.notAfter())).isEqualTo(Duration.ofMinutes(2));
    BlockingQueue<CertificateRotated> announced = new LinkedBlockingQueue<>();
    stack.announcer().subscribe("test", announced::add);

    // With the default policy a two-minute certificate is due between 74 and 86 seconds into its life.
    clock.advance(Duration.ofSeconds(86));
    assertThat(stack.rotator().runPass(specs).claimed()).isEqualTo(2);

    Map<CertificateKind, CertificateRotated> rotations = new java.util.EnumMap<>(CertificateKind.class);
    for (int i = 0; i < 2; i++) {
      CertificateRotated rotation = announced.poll(10, TimeUnit.SECONDS);
      assertThat(rotation).isNotNull();
      rotations.put(rotation.kind(), rotation);
    }
    assertThat(rotations.get(CertificateKind.MUTATING_WEBHOOK).previous()).isSameAs(mutating);
    assertThat(rotations.get(CertificateKind.VALIDATING_WEBHOOK).previous()).isSameAs(validating);
    // The renewals keep the extra serving names (renewalOf keeps names).
    assertThat(dnsNames(rotations.get(CertificateKind.MUTATING_WEBHOOK).current()))
        .containsExactlyElementsOf(dnsNames(mutating));
    assertThat(dnsNames(rotations.get(CertificateKind.VALIDATING_WEBHOOK).current()))
        .containsExactlyElementsOf(dnsNames(validating));
    assertThat(stack.announcer().subscribers()).extracting(SubscriberStatistics::name)
        .contains("rotation-journal");
  }

  @Test
  void serviceCertificatesAreKeptForRotationAndBootstrapCertificatesAreNot() throws Exception {
    ServiceIdentity bookstore = new ServiceIdentity("bookstore", "bookstore");
    Certificate service = stack.serviceCertificate(bookstore);
    Certificate bootstrap = stack.bootstrapCertificate(
        new ProxyIdentity(java.util.UUID.fromString("5c4a7e4e-1b2d-4f7c-9a0e-2f6f1e9d7c11"), bookstore));

    assertThat(stack.serviceCertificate(bookstore)).isSameAs(service);
    assertThat(stack.rotator().status().cachedCertificates()).isEqualTo(1);
    assertThat(bootstrap.commonName()).isEqualTo("5c4a7e4e-1b2d-4f7c-9a0e-2f6f1e9d7c11.bookstore.bookstore");
  }

  @Test
  void aFollowedChangeReshapesTheNextCertificates() throws Exception {
    stack.follow(settings, settings(Map.of(
        "OpenServiceMesh.osmNamespace", "elsewhere",
        "OpenServiceMesh.serviceCertValidityDuration", "2h",
        "OpenServiceMesh.rotationRenewBeforeFraction", "1/2")));

    Certificate service = stack.serviceCertificate(new ServiceIdentity("bookstore", "bookstore"));
    assertThat(Duration.between(service.notBefore(), service.notAfter())).isEqualTo(Duration.ofHours(2));
    assertThat(stack.specs().mutatingWebhook().commonName()).isEqualTo("osm-controller.osm-test.svc");
    assertThat(stack.timing().policy().renewBeforeFraction()).isEqualTo(0.5);
  }

  @Test
  void specsTakeNamesFromStartUpAndValidityAndKeyFromTheCurrentSettings() {
    MeshSettings current = settings(Map.of(
        "OpenServiceMesh.osmNamespace", "elsewhere",
        "OpenServiceMesh.serviceCertValidityDuration", "12h",
        "OpenServiceMesh.certKeyAlgorithm", "ecdsa-p384"));

    MeshCertificateSpecs specs = CertificateStack.specsOf(settings, current);

    assertThat(specs.mutatingWebhook().commonName()).isEqualTo("osm-controller.osm-test.svc");
    assertThat(specs.mutatingWebhook().validity()).isEqualTo(Duration.ofDays(3650));
    assertThat(specs.mutatingWebhook().key().algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P384);
    assertThat(specs.renewalOf(specs.mutatingWebhook()).validity()).isEqualTo(Duration.ofDays(3650));
  }

  @Test
  void theRenewalPolicyComesFromTheSettings() {
    MeshSettings custom = settings(Map.of(
        "OpenServiceMesh.rotationRenewBeforeFraction", "1/2",
        "OpenServiceMesh.rotationJitterFraction", "0.1"));

    assertThat(RenewalPolicy.of(custom.rotation()).renewBeforeFraction()).isEqualTo(0.5);
    assertThat(RenewalPolicy.of(custom.rotation()).jitterFraction()).isEqualTo(0.1);
  }

  @Test
  void closingStopsTheAnnouncer() {
    stack.close();

    assertThatThrownBy(() -> stack.announcer().subscribe("late", event -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}

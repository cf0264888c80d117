package io.openservicemesh.certificate;

import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.config.KeySpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MeshCertificateSpecsTest {

  private static final Duration SERVICE_VALIDITY = Duration.ofHours(24);
  private static final KeySpec KEY = KeySpec.ECDSA_P256;
  private static final UUID PROXY_UUID = UUID.fromString("3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41");

  private final MeshCertificateSpecs specs =
      new MeshCertificateSpecs("cluster.local", "osm-system", SERVICE_VALIDITY, KEY);

  // Specs before and after a settings change at run time, for renewals.
  private final MeshCertificateSpecs before =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(24), Duration.ofDays(3650),
          KeySpec.ECDSA_P256);
  private final MeshCertificateSpecs after =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(12), Duration.ofDays(30),
          KeySpec.rsa(2048));
  private final ServiceIdentity bookstore = new ServiceIdentity("bookstore", "bookstore-ns");

  @Test
  void serviceCertificateIsNamedAfterTheServiceAccountNamespaceAndTrustDomain() {
    CertificateSpec spec = specs.service(new ServiceIdentity("bookbuyer", "bookstore"));

    assertThat(spec.kind()).isEqualTo(CertificateKind.SERVICE);
    assertThat(spec.commonName()).isEqualTo("bookbuyer.bookstore.cluster.local");
    assertThat(spec.dnsNames()).containsExactly("bookbuyer.bookstore.cluster.local");
    assertThat(spec.uris())
        .containsExactly(URI.create("spiffe://cluster.local/ns/bookstore/sa/bookbuyer"));
    assertThat(spec.validity()).isEqualTo(SERVICE_VALIDITY);
    assertThat(spec.key()).isEqualTo(KEY);
  }

  @Test
  void serviceValidityAndKeyComeFromTheSettings() {
    MeshCertificateSpecs other =
        new MeshCertificateSpecs("mesh.example", "osm", Duration.ofMinutes(90), KeySpec.rsa(3072));

    CertificateSpec spec = other.service(new ServiceIdentity("bookbuyer", "bookstore"));

    assertThat(spec.commonName()).isEqualTo("bookbuyer.bookstore.mesh.example");
    assertThat(spec.uris())
        .containsExactly(URI.create("spiffe://mesh.example/ns/bookstore/sa/bookbuyer"));
    assertThat(spec.validity()).isEqualTo(Duration.ofMinutes(90));
    assertThat(spec.key()).isEqualTo(KeySpec.rsa(3072));
  }

  @Test
  void serviceAccountWithDotsKeepsTheSpiffeIdUnambiguous() {
    CertificateSpec spec = specs.service(new ServiceIdentity("team.a.bookbuyer", "shop"));

    assertThat(spec.commonName()).isEqualTo("team.a.bookbuyer.shop.cluster.local");
    assertThat(spec.dnsNames()).containsExactly("team.a.bookbuyer.shop.cluster.local");
    assertThat(spec.uris())
        .containsExactly(URI.create("spiffe://cluster.local/ns/shop/sa/team.a.bookbuyer"));
  }

  @Test
  void xdsBootstrapCertificateIdentifiesTheProxyForTenYears() {
    ProxyIdentity proxy =
        new ProxyIdentity(PROXY_UUID, new ServiceIdentity("bookbuyer", "bookstore"));

    CertificateSpec spec = specs.xdsBootstrap(proxy);

    String cn = PROXY_UUID + ".bookbuyer.bookstore";
    assertThat(spec.kind()).isEqualTo(CertificateKind.XDS_BOOTSTRAP);
    assertThat(spec.commonName()).isEqualTo(cn);
    assertThat(spec.dnsNames()).containsExactly(cn);
    assertThat(spec.uris())
        .containsExactly(
            URI.create("spiffe://cluster.local/ns/bookstore/sa/bookbuyer/proxy/" + PROXY_UUID));
    assertThat(spec.validity()).isEqualTo(Duration.ofDays(3650));
    assertThat(spec.key()).isEqualTo(KEY);
  }

  @Test
  void mutatingWebhookIsServedAsTheControllerService() {
    CertificateSpec spec = specs.mutatingWebhook();

    assertThat(spec.kind()).isEqualTo(CertificateKind.MUTATING_WEBHOOK);
    assertThat(spec.commonName()).isEqualTo("osm-controller.osm-system.svc");
    // The CN is the first SAN; further SANs may only be longer forms of the same service name.
    assertThat(spec.dnsNames())
        .startsWith("osm-controller.osm-system.svc")
        .allMatch(
            n ->
                n.equals("osm-controller.osm-system.svc")
                    || n.startsWith("osm-controller.osm-system.svc."));
    assertThat(spec.uris()).isEmpty();
    assertThat(spec.validity()).isEqualTo(Duration.ofDays(3650));
  }

  @Test
  void eachWebhookEndpointIsServedUnderItsOwnCertificateWithTheExtraNames() {
    List<CertificateSpec> serving = specs.servingCertificates(List.of("localhost", "127.0.0.1.nip.io"));

    assertThat(serving).extracting(CertificateSpec::kind)
        .containsExactly(CertificateKind.MUTATING_WEBHOOK, CertificateKind.VALIDATING_WEBHOOK);
    assertThat(serving).extracting(CertificateSpec::commonName)
        .containsExactly(specs.mutatingWebhook().commonName(), specs.validatingWebhook().commonName());
    assertThat(serving.get(1).dnsNames()).containsExactly(specs.validatingWebhook().dnsNames().get(0),
        specs.validatingWebhook().dnsNames().get(1), "localhost", "127.0.0.1.nip.io");
    assertThat(serving.get(0).dnsNames()).doesNotContain(specs.validatingWebhook().commonName());
    assertThat(serving).allSatisfy(spec -> assertThat(spec.validity()).isEqualTo(MeshCertificateSpecs.INTERNAL_VALIDITY));
  }

  @Test
  void validatingWebhookIsServedAsTheConfigValidatorService() {
    CertificateSpec spec = specs.validatingWebhook();

    assertThat(spec.kind()).isEqualTo(CertificateKind.VALIDATING_WEBHOOK);
    assertThat(spec.commonName()).isEqualTo("osm-config-validator.osm-system.svc");
    // The CN is the first SAN; further SANs may only be longer forms of the same service name.
    assertThat(spec.dnsNames())
        .startsWith("osm-config-validator.osm-system.svc")
        .allMatch(
            n ->
                n.equals("osm-config-validator.osm-system.svc")
                    || n.startsWith("osm-config-validator.osm-system.svc."));
    assertThat(spec.uris()).isEmpty();
    assertThat(spec.validity()).isEqualTo(Duration.ofDays(3650));
  }

  @Test
  void webhookNamesFollowTheOsmNamespace() {
    MeshCertificateSpecs other =
        new MeshCertificateSpecs("cluster.local", "mesh-ctl", SERVICE_VALIDITY, KEY);

    assertThat(other.mutatingWebhook().commonName()).isEqualTo("osm-controller.mesh-ctl.svc");
    assertThat(other.validatingWebhook().commonName())
        .isEqualTo("osm-config-validator.mesh-ctl.svc");
  }

  @Test
  void longestLegalNamesAreAccepted() {
    String namespace = "n".repeat(63);
    String serviceAccount =
        String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));

    ServiceIdentity identity = new ServiceIdentity(serviceAccount, namespace);

    assertThat(serviceAccount).hasSize(253);
    assertThat(identity.spiffeId("td"))
        .isEqualTo("spiffe://td/ns/" + namespace + "/sa/" + serviceAccount);
    assertThat(identity).hasToString(namespace + "/" + serviceAccount);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "BookBuyer",
        "-bookbuyer",
        "bookbuyer-",
        "book_buyer",
        "book..buyer",
        ".bookbuyer",
        "bookbuyer.",
        "book buyer",
        "bookbuyer/admin"
      })
  void invalidServiceAccountIsRefusedNamingTheField(String serviceAccount) {
    assertThatThrownBy(() -> new ServiceIdentity(serviceAccount, "bookstore"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("service account name must be a DNS subdomain")
        .hasMessageContaining("\"" + serviceAccount + "\"");
  }

  @Test
  void serviceAccountLongerThan253IsRefused() {
    String tooLong =
        String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62));

    assertThatThrownBy(() -> new ServiceIdentity(tooLong, "bookstore"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("service account name");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {"Bookstore", "-bookstore", "bookstore-", "book.store", "book_store", "book store"})
  void invalidNamespaceIsRefusedNamingTheField(String namespace) {
    assertThatThrownBy(() -> new ServiceIdentity("bookbuyer", namespace))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namespace must be a DNS label")
        .hasMessageContaining("\"" + namespace + "\"");
  }

  @Test
  void namespaceLongerThan63IsRefused() {
    assertThatThrownBy(() -> new ServiceIdentity("bookbuyer", "n".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namespace");
  }

  @Test
  void proxyIdentityNeedsBothParts() {
    ServiceIdentity service = new ServiceIdentity("bookbuyer", "bookstore");

    assertThatThrownBy(() -> new ProxyIdentity(null, service))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uuid");
    assertThatThrownBy(() -> new ProxyIdentity(PROXY_UUID, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service identity");
  }

  @Test
  void specRefusesNonPositiveValidityAndBlankNames() {
    List<String> dns = List.of("a");
    List<URI> uris = List.of();

    assertThatThrownBy(
            () -> new CertificateSpec(CertificateKind.SERVICE, "a", dns, uris, Duration.ZERO, KEY))
        .hasMessageContaining("validity");
    assertThatThrownBy(
            () ->
                new CertificateSpec(
                    CertificateKind.SERVICE, "a", dns, uris, Duration.ofSeconds(-1), KEY))
        .hasMessageContaining("validity");
    assertThatThrownBy(
            () ->
                new CertificateSpec(
                    CertificateKind.SERVICE, " ", dns, uris, Duration.ofHours(1), KEY))
        .hasMessageContaining("common name");
  }

  @Test
  void specKeepsItsOwnCopyOfTheNames() {
    List<String> dns = new ArrayList<>(List.of("a.example"));
    CertificateSpec spec =
        new CertificateSpec(
            CertificateKind.SERVICE, "a.example", dns, List.of(), Duration.ofHours(1), KEY);

    dns.add("b.example");

    assertThat(spec.dnsNames()).containsExactly("a.example");
    assertThatThrownBy(() -> spec.dnsNames().add("c.example"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

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
  void aWebhookRenewalKeepsBothFormsOfTheServiceName() {
    CertificateSpec renewal = after.renewalOf(before.mutatingWebhook());

    assertThat(renewal.dnsNames())
        .containsExactly("osm-controller.osm-system.svc", "osm-controller.osm-system.svc.cluster.local");
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

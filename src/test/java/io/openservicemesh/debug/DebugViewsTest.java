package io.openservicemesh.debug;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.config.Setting;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.sds.StreamView;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The debug views list what the control plane holds, in both forms, and no form of any view carries key material,
 * even though the cache they list holds private keys and the configuration a Vault token.
 */
class DebugViewsTest {

  private static final String VAULT_TOKEN = "hvs.debug-view-test-token";

  private final MutableClock clock = MutableClock.at(TestCa.FIXED_ROOT_CREATED.plus(Duration.ofDays(1)));
  private final MeshSettings settings = MeshSettingsParser.parse(key -> Optional.ofNullable(Map.of(
      "OpenServiceMesh.vault.token", VAULT_TOKEN,
      "OpenServiceMesh.envoyLogLevel", "debug").get(key))).orElseThrow();
  private final CertificateCache cache = new CertificateCache(TestCa.issuer(clock), clock);
  private final MeshCertificateSpecs specs = new MeshCertificateSpecs(settings.trustDomain(), settings.osmNamespace(),
      settings.serviceCertValidity(), settings.internalCertValidity(), settings.certKey());
  private final StreamView stream = new StreamView("5b5a2f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b.bookstore.bookstore",
      "bookstore.bookstore", "state-of-the-world", List.of("service-cert:bookstore/bookstore"),
      Optional.of("3f2a"), Optional.of("version 4b1c: unknown key type"), Instant.parse("2026-01-02T00:30:00Z"));
  private final DebugViews views = new DebugViews(cache::list, () -> List.of(stream),
      () -> cache.trustedCasPem(), () -> Optional.of(settings),
      setting -> setting == Setting.ENVOY_LOG_LEVEL ? "ConfigMap osm-config" : "default", clock);

  @Test
  void theCertificatesViewListsEachCachedCertificateWithItsPublicFacts() throws IssuanceException {
    var issued = cache.getOrIssue(specs.service(new ServiceIdentity("bookstore", "bookstore")));

    JsonObject json = views.certificates().json();
    String text = views.certificates().text();

    assertThat(json.getInt("count")).isEqualTo(1);
    JsonObject item = json.getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("commonName")).isEqualTo("bookstore.bookstore.cluster.local");
    assertThat(item.getString("type")).isEqualTo("service");
    assertThat(item.getString("serial")).isEqualTo(issued.serialHex());
    assertThat(item.getString("notAfter")).isEqualTo(issued.notAfter().toString());
    assertThat(item.getString("issuer")).isEqualTo("tresor");
    assertThat(text).contains("cached certificates", "bookstore.bookstore.cluster.local", issued.serialHex());
  }

  @Test
  void theStreamsViewShowsProxyIdentitySubscriptionAndAcks() {
    JsonObject item = views.streams().json().getJsonArray("items").getJsonObject(0);

    assertThat(item.getString("identity")).isEqualTo("bookstore.bookstore");
    assertThat(item.getJsonArray("subscribed").getString(0)).isEqualTo("service-cert:bookstore/bookstore");
    assertThat(item.getString("lastAcked")).isEqualTo("3f2a");
    assertThat(item.getString("lastNack")).contains("unknown key type");
    assertThat(views.streams().text()).contains("SDS streams", "count: 1", stream.proxy());
  }

  @Test
  void theTrustBundleViewShowsEachRootsSubjectSerialAndDaysLeft() {
    JsonObject item = views.trustBundle().json().getJsonArray("items").getJsonObject(0);

    assertThat(item.getString("subject")).contains("CN=");
    assertThat(item.getString("serial")).isEqualTo(TestCa.ecRoot().serialHex());
    assertThat(item.getJsonNumber("daysLeft").longValue())
        .isEqualTo(Duration.between(clock.instant(), TestCa.ecRoot().notAfter()).toDays());
  }

  @Test
  void aTrustBundleNotReadyYetSaysWhy() {
    DebugViews starting = new DebugViews(List::of, List::of, () -> {
      throw new IssuanceException("the control plane is not ready: the CA Secret is broken", true);
    }, Optional::empty, setting -> "default", clock);

    assertThat(starting.trustBundle().json().getString("state")).contains("CA Secret is broken");
    assertThat(starting.configuration().text()).contains("not started");
  }

  @Test
  void theConfigurationViewShowsEveryValueItsSourceAndWhetherItIsLive() {
    JsonObject json = views.configuration().json();

    assertThat(json.getJsonArray("items")).hasSize(Setting.values().length);
    JsonObject logLevel = json.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(item -> item.getString("key").equals("OpenServiceMesh.envoyLogLevel")).findFirst().orElseThrow();
    assertThat(logLevel.getString("value")).isEqualTo("debug");
    assertThat(logLevel.getString("source")).isEqualTo("ConfigMap osm-config");
    assertThat(logLevel.getString("change")).isEqualTo("live");
    assertThat(views.configuration().text()).contains("OpenServiceMesh.vault.token", Setting.REDACTED);
  }

  @Test
  void noViewInAnyFormCarriesAKeyOrAToken() throws IssuanceException {
    cache.getOrIssue(specs.service(new ServiceIdentity("bookstore", "bookstore")));
    cache.getOrIssue(specs.servingCertificates(List.of()).get(0));
    assertThat(cache.cached("bookstore.bookstore.cluster.local").orElseThrow().privateKeyPem())
        .as("the cache these views list holds keys").contains("PRIVATE KEY");

    for (DebugTable view : List.of(views.certificates(), views.streams(), views.trustBundle(),
        views.configuration())) {
      for (String output : List.of(view.json().toString(), view.text())) {
        assertThat(output).doesNotContain("PRIVATE KEY").doesNotContain(VAULT_TOKEN)
            .doesNotContain("-----BEGIN");
      }
    }
  }
}

package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.certificate.rootchange.ExternalTrust;
import io.openservicemesh.crypto.CryptoProviders;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.JSON;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.config.CertManagerIssuerKind;
import io.openservicemesh.schedule.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CertificateRequest the mesh sends, as JSON on the wire, against cert-manager's published API. */
class CertificateRequestWireTest {

  private static final String CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBtest\n-----END CERTIFICATE REQUEST-----\n";
  private static final MeshCertificateSpecs SPECS =
      new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofMinutes(90), KeySpec.ECDSA_P256);

  private static final SigningCa ROOT = root();

  private static SigningCa root() {
    try {
      return SigningCa.root("wire test");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static CertManagerIssuer issuer(CertManagerIssuerKind kind) {
    IssuerReference reference = new IssuerReference("osm-ca", kind, "cert-manager.io", "osm-system");
    return new CertManagerIssuer(new CertificateRequestClient(new ApiClient(), "osm-system"), reference,
        new ExternalTrust(List.of(ROOT.root())), "Secret osm-system/osm-ca-bundle",
        CertManagerIssuer.Options.of(Duration.ofSeconds(15), false), Clock.systemUTC(), System::nanoTime,
        new ApiRetry(new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)), () -> 0.5, wait -> { }),
        IssuanceListener.NONE, CryptoProviders.BOUNCYCASTLE);
  }

  private static JsonObject wire(CertificateSpec spec, CertManagerIssuerKind kind) {
    String json = JSON.serialize(issuer(kind).requestFor(spec, CSR, "3f0c1d7e-0000-4000-8000-000000000001"));
    return JsonParser.parseString(json).getAsJsonObject();
  }

  @Test
  void isACertManagerV1CertificateRequestWithAGeneratedName() {
    JsonObject request = wire(SPECS.service(new ServiceIdentity("bookstore", "bookstore")), CertManagerIssuerKind.ISSUER);

    assertThat(request.get("apiVersion").getAsString()).isEqualTo("cert-manager.io/v1");
    assertThat(request.get("kind").getAsString()).isEqualTo("CertificateRequest");
    JsonObject metadata = request.getAsJsonObject("metadata");
    assertThat(metadata.get("generateName").getAsString()).isEqualTo("osm-");
    assertThat(metadata.has("name")).isFalse();
    assertThat(metadata.get("namespace").getAsString()).isEqualTo("osm-system");
    assertThat(request.has("status")).as("status belongs to cert-manager").isFalse();
  }

  @Test
  void labelsLetOperatorsFindTheMeshsRequests() {
    JsonObject metadata = wire(SPECS.xdsBootstrap(new ProxyIdentity(UUID.randomUUID(),
        new ServiceIdentity("bookstore", "bookstore"))), CertManagerIssuerKind.ISSUER).getAsJsonObject("metadata");

    JsonObject labels = metadata.getAsJsonObject("labels");
    assertThat(labels.get("app.kubernetes.io/name").getAsString()).isEqualTo("openservicemesh.io");
    assertThat(labels.get("app.kubernetes.io/component").getAsString()).isEqualTo("certificate");
    assertThat(labels.get("openservicemesh.io/certificate-kind").getAsString()).isEqualTo("xds-bootstrap");
    assertThat(labels.get("openservicemesh.io/issuance").getAsString())
        .isEqualTo("3f0c1d7e-0000-4000-8000-000000000001");
    assertThat(metadata.getAsJsonObject("annotations").get("openservicemesh.io/common-name").getAsString())
        .endsWith(".bookstore.bookstore");
  }

  @Test
  void requestIsTheBase64OfThePemAsTheCrdsFormatByteSays() {
    JsonObject spec = wire(SPECS.mutatingWebhook(), CertManagerIssuerKind.ISSUER).getAsJsonObject("spec");

    String request = spec.get("request").getAsString();
    assertThat(request).doesNotContain("BEGIN");
    assertThat(new String(Base64.getDecoder().decode(request), StandardCharsets.US_ASCII)).isEqualTo(CSR);
  }

  @Test
  void durationIsAGoDurationAndUsagesAreTheMeshsFour() {
    JsonObject spec = wire(SPECS.service(new ServiceIdentity("bookstore", "bookstore")), CertManagerIssuerKind.ISSUER)
        .getAsJsonObject("spec");

    assertThat(spec.get("duration").getAsString()).isEqualTo("1h30m0s");
    assertThat(spec.getAsJsonArray("usages").toString())
        .isEqualTo("[\"digital signature\",\"key encipherment\",\"server auth\",\"client auth\"]");
    assertThat(spec.get("isCA").getAsBoolean()).isFalse();
    assertThat(spec.has("username")).as("set by cert-manager's webhook, never by the client").isFalse();
  }

  @Test
  void tenYearCertificatesAskForTheirDurationInHours() {
    JsonObject spec = wire(SPECS.mutatingWebhook(), CertManagerIssuerKind.ISSUER).getAsJsonObject("spec");

    assertThat(spec.get("duration").getAsString()).isEqualTo("87600h0m0s");
  }

  @Test
  void issuerRefNamesKindAndGroup() {
    JsonObject issuerRef = wire(SPECS.mutatingWebhook(), CertManagerIssuerKind.CLUSTER_ISSUER)
        .getAsJsonObject("spec").getAsJsonObject("issuerRef");

    assertThat(issuerRef.get("name").getAsString()).isEqualTo("osm-ca");
    assertThat(issuerRef.get("kind").getAsString()).isEqualTo("ClusterIssuer");
    assertThat(issuerRef.get("group").getAsString()).isEqualTo("cert-manager.io");
  }
}

package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.JSON;
import io.openservicemesh.certificate.certmanager.IssuerCheck.IssuerFacts;
import io.openservicemesh.certificate.certmanager.IssuerCheck.IssuerProblemException;
import io.openservicemesh.config.CertManagerIssuerKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IssuerCheckTest {

  private static final IssuerReference OSM_CA =
      new IssuerReference("osm-ca", CertManagerIssuerKind.ISSUER, "cert-manager.io", "osm-system");

  private static IssuerResource issuer(String specAndStatus) {
    return JSON.deserialize("{\"apiVersion\":\"cert-manager.io/v1\",\"kind\":\"Issuer\","
        + "\"metadata\":{\"name\":\"osm-ca\",\"namespace\":\"osm-system\"}," + specAndStatus + "}",
        IssuerResource.class);
  }

  @Test
  void anAcmeIssuerIsRefusedWithTheMissionsWords() {
    IssuerResource acme = issuer("\"spec\":{\"acme\":{\"server\":\"https://acme-v02.api.letsencrypt.org/directory\","
        + "\"privateKeySecretRef\":{\"name\":\"account\"},\"solvers\":[{\"http01\":{\"ingress\":{}}}]}}");

    assertThatThrownBy(() -> IssuerCheck.judge(OSM_CA, acme))
        .isInstanceOf(IssuerProblemException.class)
        .hasMessageStartingWith("ACME issuers are not supported: Issuer osm-system/osm-ca is an ACME issuer")
        .hasMessageContaining("OpenServiceMesh.certmanager.issuerName");
  }

  @Test
  void aSelfSignedIssuerIsRefusedBecauseCertificatesWouldShareNoRoot() {
    assertThatThrownBy(() -> IssuerCheck.judge(OSM_CA, issuer("\"spec\":{\"selfSigned\":{}}")))
        .isInstanceOf(IssuerProblemException.class)
        .hasMessageContaining("SelfSigned issuers are not supported")
        .hasMessageContaining("no two would share a root");
  }

  @Test
  void aCaIssuerIsAcceptedWithItsReadiness() throws Exception {
    IssuerFacts facts = IssuerCheck.judge(OSM_CA, issuer("\"spec\":{\"ca\":{\"secretName\":\"osm-ca-root\"}},"
        + "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KeyPairVerified\","
        + "\"message\":\"Signing CA verified\",\"observedGeneration\":1}]}"));

    assertThat(facts).isEqualTo(new IssuerFacts("ca", "Ready=True (KeyPairVerified: Signing CA verified)"));
  }

  @Test
  void anIssuerCertManagerHasNotLookedAtYetIsAcceptedAsUnknown() throws Exception {
    IssuerFacts facts = IssuerCheck.judge(OSM_CA, issuer("\"spec\":{\"vault\":{\"server\":\"https://vault:8200\"}}"));

    assertThat(facts.type()).isEqualTo("vault");
    assertThat(facts.readiness()).startsWith("unknown");
  }

  @Test
  void anExternalIssuerIsNotReadBecauseItsApiIsUnknown() throws Exception {
    IssuerReference external =
        new IssuerReference("pca", CertManagerIssuerKind.ISSUER, "awspca.cert-manager.io", "osm-system");

    IssuerFacts facts = new IssuerCheck(null).check(external, Duration.ofSeconds(1));

    assertThat(facts.type()).contains("external issuer of group awspca.cert-manager.io");
    assertThat(external.toString()).isEqualTo("Issuer osm-system/pca (group awspca.cert-manager.io)");
  }

  @Test
  void referencesNameTheirScope() {
    assertThat(OSM_CA.toString()).isEqualTo("Issuer osm-system/osm-ca");
    assertThat(OSM_CA.plural()).isEqualTo("issuers");
    IssuerReference cluster = new IssuerReference("mesh-ca", CertManagerIssuerKind.CLUSTER_ISSUER, "cert-manager.io", "osm");
    assertThat(cluster.toString()).isEqualTo("ClusterIssuer mesh-ca");
    assertThat(cluster.plural()).isEqualTo("clusterissuers");
  }
}

package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@code --set} line of the mission's document, as written there, given to this project's chart (README,
 * "The mission's osm install --set lines"): the chart renders and the control plane gets the setting as its
 * MicroProfile Config variable. Two lines of the document are broken as printed (a lost key in {@code
 * --set"localhost"}, unbalanced quotes in {@code role="openservicemesh'}); they are given as README repairs them.
 */
class MissionInstallSetsIT {

  static Stream<Arguments> documentLines() {
    return Stream.of(
        // "When running OSM on your local workstation, use the following osm install set options"
        Arguments.of("""
            --set OpenServiceMesh.certificateManager="vault"
            --set OpenServiceMesh.vault.host="localhost"
            --set OpenServiceMesh.vault.protocol="http"
            --set OpenServiceMesh.vault.token="xyz"
            --set OpenServiceMesh.vault.role="openservicemesh"
            --set OpenServiceMesh.serviceCertValidityDuration=24h
            """, Map.of("OpenServiceMesh_certificateManager", "vault", "OpenServiceMesh_vault_host", "localhost",
            "OpenServiceMesh_vault_protocol", "http", "OpenServiceMesh_vault_role", "openservicemesh",
            "OpenServiceMesh_serviceCertValidityDuration", "24h")),
        Arguments.of("--set OpenServiceMesh.caBundleSecretName=my-secret-name",
            Map.of("OpenServiceMesh_caBundleSecretName", "my-secret-name")),
        // the cert-manager options, with the defaults the document names
        Arguments.of("""
            --set OpenServiceMesh.certificateManager="cert-manager"
            --set OpenServiceMesh.certmanager.issuerName=osm-ca
            --set OpenServiceMesh.certmanager.issuerKind=ClusterIssuer
            --set OpenServiceMesh.certmanager.issuerGroup=cert-manager.io
            """, Map.of("OpenServiceMesh_certificateManager", "cert-manager",
            "OpenServiceMesh_certmanager_issuerName", "osm-ca", "OpenServiceMesh_certmanager_issuerKind", "ClusterIssuer",
            "OpenServiceMesh_certmanager_issuerGroup", "cert-manager.io")),
        // "set the CERT_MANAGER=tresor variable in the Helm chart prior to deployment"
        Arguments.of("--set CERT_MANAGER=tresor", Map.of("CERT_MANAGER", "tresor")),
        Arguments.of("--set CERT_MANAGER=vault --set OpenServiceMesh.vault.host=localhost"
            + " --set OpenServiceMesh.vault.token=xyz", Map.of("CERT_MANAGER", "vault")));
  }

  @ParameterizedTest
  @MethodSource("documentLines")
  void theChartTakesTheLineAndTheControlPlaneGetsTheSetting(String lines, Map<String, String> expected) {
    Chart.Result rendered = Chart.templateWithShellArguments("osm-system", lines.strip().replace("\n", " "));

    assertThat(rendered.exit()).as(rendered.output()).isZero();
    Map<String, Object> environment = Chart.controllerEnvironment(rendered.stdout()).entrySet().stream()
        .filter(e -> e.getValue().containsKey("value"))
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get("value")));
    assertThat(environment).containsAllEntriesOf(expected);
    if (lines.contains("vault.token")) {
      assertThat(Chart.controllerEnvironment(rendered.stdout()).get("OpenServiceMesh_vault_token"))
          .as("the token comes from a Secret, never inline").containsKey("valueFrom")
          .doesNotContainKey("value");
    }
  }
}

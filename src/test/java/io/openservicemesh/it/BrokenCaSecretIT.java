package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A control plane started against a broken CA Secret (its private.key belongs to another CA) is not ready,
 * says exactly why, and leaves the Secret as the operator made it.
 */
class BrokenCaSecretIT {

  @Test
  void readinessIsDownWithTheReasonAndTheSecretIsUntouched() throws Exception {
    ServerHealth.Report report = ServerHealth.ofProperty("it.brokenca.http.port").awaitReadiness(
        r -> r.check("certificate-authority").isPresent()
            && "CA_UNAVAILABLE".equals(r.data("certificate-authority", "phase")),
        Duration.ofMinutes(2));

    assertThat(report.httpStatus()).isEqualTo(503);
    assertThat(report.data("certificate-authority", "reason"))
        .contains("Secret " + TestCluster.BROKEN_CA_NAMESPACE + "/" + TestCluster.CA_SECRET)
        .contains("private.key does not match the certificate in ca.crt");

    V1Secret secret = TestCluster.core()
        .readNamespacedSecret(TestCluster.CA_SECRET, TestCluster.BROKEN_CA_NAMESPACE).execute();
    String seededVersion = Files.readString(SeedTestCluster.brokenSecretVersionFile(TestCluster.kubeconfig()));
    assertThat(secret.getMetadata().getResourceVersion()).as("resourceVersion").isEqualTo(seededVersion);
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "private.key");
  }

  @Test
  void theRefusedSecretCarriesAWarningEventAndItsRetriesAreCountedNotRepeated() throws Exception {
    CoreV1Event refused = ClusterEvents.await(TestCluster.BROKEN_CA_NAMESPACE, "Secret", TestCluster.CA_SECRET,
        "CaSecretRefused", Duration.ofMinutes(2));

    assertThat(refused.getType()).isEqualTo("Warning");
    assertThat(refused.getReportingComponent()).isEqualTo("osm-controller");
    assertThat(refused.getSource().getComponent()).isEqualTo("osm-controller");
    assertThat(refused.getInvolvedObject().getNamespace()).isEqualTo(TestCluster.BROKEN_CA_NAMESPACE);
    assertThat(refused.getMessage()).contains("private.key does not match the certificate in ca.crt")
        .doesNotContain("PRIVATE KEY");
    // Start-up retries with backoff; every retry is the same Event, not one more object in etcd.
    assertThat(ClusterEvents.about(TestCluster.BROKEN_CA_NAMESPACE, "Secret", TestCluster.CA_SECRET))
        .filteredOn(event -> "CaSecretRefused".equals(event.getReason())).hasSize(1);
  }
}

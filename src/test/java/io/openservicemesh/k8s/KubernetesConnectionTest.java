package io.openservicemesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Standalone only where there is no cluster: inside a pod a missing token is an error, not a new CA. */
class KubernetesConnectionTest {

  @Test
  void noClusterAnywhereIsStandalone() throws Exception {
    assertThat(KubernetesConnection.from(Map.of(), false)).isEmpty();
  }

  @Test
  void aPodWithoutItsServiceAccountTokenFailsInsteadOfRunningStandalone() {
    assertThatThrownBy(() -> KubernetesConnection.from(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("service account token")
        .hasMessageContaining("does not run standalone inside a cluster");
  }
}

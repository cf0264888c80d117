package io.openservicemesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplicaIdentityTest {

  @Test
  void thePodsNameAndTheSuffixInCharactersALeaseAndASecretKeyBothTake() {
    assertThat(ReplicaIdentity.of("osm-controller-7d9f-x2k4", "1a2b3c4d")).isEqualTo("osm-controller-7d9f-x2k4_1a2b3c4d");
    assertThat(ReplicaIdentity.of("host name/with:odd", "1a2b3c4d")).isEqualTo("hostnamewithodd_1a2b3c4d");
    assertThat(ReplicaIdentity.of(null, "1a2b3c4d")).isEqualTo("osm-controller_1a2b3c4d");
    assertThat(ReplicaIdentity.of("", "1a2b3c4d")).isEqualTo("osm-controller_1a2b3c4d");
  }

  @Test
  void oneNamePerProcess() {
    assertThat(ReplicaIdentity.current()).isSameAs(ReplicaIdentity.current()).matches("[-._a-zA-Z0-9]+_[0-9a-f]{8}");
  }
}

package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.store.CaBundleSecretStore;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner.Outcome;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner.ProvisionedCa;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replicas starting together against the real API server end with one root CA, and a restarted replica
 * loads that root instead of making another. Each replica has its own API client, as separate pods would.
 */
class CaBundleRaceIT {

  private static final int REPLICAS = 6;

  @Test
  void racingReplicasEndWithOneCaAndARestartLoadsIt() throws Exception {
    String namespace = "osm-race-" + UUID.randomUUID().toString().substring(0, 8);
    TestCluster.ensureNamespace(TestCluster.core(), namespace);

    CyclicBarrier start = new CyclicBarrier(REPLICAS);
    ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
    List<Future<ProvisionedCa>> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < REPLICAS; i++) {
        replicas.add(pool.submit(() -> {
          TresorCaProvisioner provisioner = provisioner(namespace);
          start.await(30, TimeUnit.SECONDS);
          return provisioner.provision();
        }));
      }
      List<ProvisionedCa> results = new ArrayList<>();
      for (Future<ProvisionedCa> replica : replicas) {
        results.add(replica.get(60, TimeUnit.SECONDS));
      }

      assertThat(results).extracting(r -> r.bundle().serialHex()).containsOnly(results.get(0).bundle().serialHex());
      assertThat(results).filteredOn(r -> r.outcome() == Outcome.CREATED).hasSize(1);

      CoreV1Api api = TestCluster.core();
      V1Secret stored = api.readNamespacedSecret(TestCluster.CA_SECRET, namespace).execute();
      ProvisionedCa restarted = provisioner(namespace).provision();
      assertThat(restarted.outcome()).isEqualTo(Outcome.LOADED);
      assertThat(restarted.bundle().serialHex()).isEqualTo(results.get(0).bundle().serialHex());
      assertThat(api.readNamespacedSecret(TestCluster.CA_SECRET, namespace).execute().getMetadata().getResourceVersion())
          .as("a restart does not rewrite the Secret")
          .isEqualTo(stored.getMetadata().getResourceVersion());
    } finally {
      pool.shutdownNow();
    }
  }

  private static TresorCaProvisioner provisioner(String namespace) {
    CaBundleSecretStore store = new CaBundleSecretStore(TestCluster.core(), namespace, TestCluster.CA_SECRET);
    return new TresorCaProvisioner(
        store, KeySpec.ECDSA_P256, Duration.ofDays(3650), Duration.ofMinutes(1), Clock.systemUTC());
  }
}

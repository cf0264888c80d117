package io.openservicemesh.lifecycle;

import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.Leadership;
import io.openservicemesh.k8s.LeaseLeadership;
import io.openservicemesh.k8s.ReplicaIdentity;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * This replica's part in the leader election of the control plane's replicas: the Lease {@value #LEASE_NAME} in
 * the OSM namespace, competed for once the control plane is ready (a replica that cannot issue certificates must
 * not lead the renewal of bootstrap credentials). Without a Kubernetes API there is no one to share with, and
 * this replica leads.
 */
@ApplicationScoped
public class ClusterLeadership implements Leadership {

  static final String LEASE_NAME = "osm-controller-leader";

  @Inject SettingsInForce settings;
  @Inject KubernetesApi kubernetes;

  private LeaseLeadership lease;
  private boolean standalone;

  void onReady(@Observes ControlPlaneReady ready) {
    start();
  }

  synchronized void start() {
    if (lease != null || standalone) {
      return;
    }
    Optional<String> namespace = settings.current().map(inForce -> inForce.osmNamespace());
    var connection = kubernetes.connection();
    if (connection.isEmpty() || namespace.isEmpty()) {
      standalone = connection.isEmpty();
      return;
    }
    lease = new LeaseLeadership(connection.get().client(), namespace.get(), LEASE_NAME, ReplicaIdentity.current());
    lease.start();
  }

  @Override
  public synchronized boolean leading() {
    return standalone || (lease != null && lease.leading());
  }


  @PreDestroy
  synchronized void stop() {
    if (lease != null) {
      lease.close();
    }
  }
}

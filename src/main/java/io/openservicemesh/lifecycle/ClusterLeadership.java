package io.openservicemesh.lifecycle;

import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.Leadership;
import io.openservicemesh.k8s.LeaseLeadership;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;

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
    lease = new LeaseLeadership(connection.get().client(), namespace.get(), LEASE_NAME, identity());
    lease.start();
  }

  @Override
  public synchronized boolean leading() {
    return standalone || (lease != null && lease.leading());
  }

  /** The pod's name (the kubelet sets HOSTNAME to it) and a random suffix, unique even across restarts. */
  static String identity() {
    String host = System.getenv("HOSTNAME");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return (host == null || host.isBlank() ? "osm-controller" : host) + "_" + suffix;
  }

  @PreDestroy
  synchronized void stop() {
    if (lease != null) {
      lease.close();
    }
  }
}

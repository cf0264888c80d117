package io.openservicemesh.certificate.tresor;

import java.util.Optional;
import java.util.UUID;

/**
 * This replica's name in a rotation's reports: its pod's name (the kubelet sets HOSTNAME to it) and a random
 * suffix, so that a restarted replica is a new reporter and two replicas never share a report. The report of a
 * replica that is gone expires (see {@link RootRotationDriver#REPORT_EXPIRES}).
 */
final class ReplicaName {

  private ReplicaName() {}

  static String current() {
    String host = Optional.ofNullable(System.getenv("HOSTNAME"))
        .map(name -> name.replaceAll("[^-._a-zA-Z0-9]", ""))
        .filter(name -> !name.isEmpty())
        .orElse("osm-controller");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}

package io.openservicemesh.k8s;

import java.util.Optional;
import java.util.UUID;

/**
 * This replica's name among its peers, one per process: its pod's name (the kubelet sets HOSTNAME to it) and a
 * random suffix, so a restarted replica is a new peer and two never share a name. The leader Lease names its
 * holder with it, and a root rotation's state names each replica's report with it, so both say the same replica.
 */
public final class ReplicaIdentity {

  private static final String CURRENT =
      of(System.getenv("HOSTNAME"), UUID.randomUUID().toString().substring(0, 8));

  private ReplicaIdentity() {}

  public static String current() {
    return CURRENT;
  }

  /** Only characters a Lease holder and a Secret's data key both accept. */
  static String of(String host, String suffix) {
    String name = Optional.ofNullable(host).map(text -> text.replaceAll("[^-._a-zA-Z0-9]", ""))
        .filter(text -> !text.isEmpty()).orElse("osm-controller");
    return name + "_" + suffix;
  }
}

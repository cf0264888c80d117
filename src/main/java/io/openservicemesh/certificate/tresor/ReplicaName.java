package io.openservicemesh.certificate.tresor;

import java.util.Optional;

/** This replica's name in the rotation's reports: its pod's name (the downward API, else the host name). */
final class ReplicaName {

  private ReplicaName() {}

  static String current() {
    return Optional.ofNullable(System.getenv("POD_NAME"))
        .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
        .filter(name -> name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"))
        .orElse("replica-" + ProcessHandle.current().pid());
  }
}

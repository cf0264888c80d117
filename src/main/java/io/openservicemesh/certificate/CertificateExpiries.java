package io.openservicemesh.certificate;

import java.time.Instant;
import java.util.Map;

/** What the certificates in service look like as a whole, for gauges an operator alerts on. */
@FunctionalInterface
public interface CertificateExpiries {

  /**
   * The soonest NotAfter among the certificates in service of each kind; a kind with none in service (or a
   * control plane not yet ready) is absent.
   */
  Map<CertificateKind, Instant> soonestExpiries();
}

package io.openservicemesh.rotation;

import java.util.List;
import java.util.Optional;

/** What the readiness report shows of the running rotation. */
public interface RotationView {

  /** As of the last pass; empty before the control plane is ready. */
  Optional<RotationStatus> status();

  /** The control plane's own serving certificates; empty before the control plane is ready. */
  List<ServedCertificate> servedCertificates();
}

package io.openservicemesh.sds;

import io.grpc.Status;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.status.ControlPlaneStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/** The settings SDS answers by (trust domain, stream age, pod verification), once the control plane runs. */
@ApplicationScoped
public class SdsConfiguration {

  @Inject SettingsInForce settings;
  @Inject ControlPlaneStatus status;

  /** @throws SdsException UNAVAILABLE, naming why, before the control plane has started */
  MeshSettings settings() throws SdsException {
    return current().orElseThrow(() -> new SdsException(Status.Code.UNAVAILABLE, notReady()));
  }

  /** Empty before the control plane has started. */
  Optional<MeshSettings> current() {
    return settings.current();
  }

  String notReady() {
    return "the control plane is not ready: " + status.notReadyReason();
  }
}

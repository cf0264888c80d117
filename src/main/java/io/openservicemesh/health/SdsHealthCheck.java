package io.openservicemesh.health;

import io.openservicemesh.sds.SdsStreams;
import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the SDS streams this replica serves (always UP: having no proxies is not a fault). An operator sees
 * at a glance how many proxies a replica carries and that dead streams are released.
 */
@Readiness
@ApplicationScoped
public class SdsHealthCheck extends DetailedHealthCheck {

  @Inject SdsStreams streams;

  @Override
  public HealthCheckResponse detailed() {
    return HealthCheckResponse.named("sds").up()
        .withData("streams", streams.streamCount())
        .withData("serviceIdentities", streams.identityCount())
        .build();
  }
}

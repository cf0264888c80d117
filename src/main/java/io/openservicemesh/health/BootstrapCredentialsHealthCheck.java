package io.openservicemesh.health;

import io.openservicemesh.bootstrap.BootstrapRenewer.Overdue;
import io.openservicemesh.bootstrap.BootstrapSecretKeeper;
import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while a live proxy's bootstrap credential is near or past expiry without a successor (its renewal
 * keeps failing): once it expires, the proxy cannot reconnect to SDS. The details name the Secrets, so the
 * operator knows which pods are at risk. Counts only on the leading replica, which does the renewals.
 */
@Readiness
@ApplicationScoped
public class BootstrapCredentialsHealthCheck extends DetailedHealthCheck {

  /** Enough to act on; the log names every one. */
  static final int NAMED = 5;

  @Inject BootstrapSecretKeeper keeper;

  @Override
  public HealthCheckResponse detailed() {
    List<Overdue> overdue = keeper.overdue();
    HealthCheckResponseBuilder response = HealthCheckResponse.named("bootstrap-credentials")
        .status(overdue.isEmpty())
        .withData("kept", keeper.keptCount())
        .withData("waitingForTheirPods", keeper.pendingCount());
    if (!overdue.isEmpty()) {
      response.withData("overdue", overdue.size())
          .withData("overdueSecrets", overdue.stream().limit(NAMED)
              .map(o -> o.namespace() + "/" + o.secretName() + " (expires " + o.notAfter() + ", "
                  + o.failedAttempts() + " failed renewals: " + o.reason() + ")")
              .collect(Collectors.joining("; ")));
    }
    return response.build();
  }
}

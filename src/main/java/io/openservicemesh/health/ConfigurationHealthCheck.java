package io.openservicemesh.health;

import io.openservicemesh.config.ConfigProblem;
import io.openservicemesh.status.ControlPlaneStatus;
import io.openservicemesh.status.DetailedHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the configuration is invalid; each problem is listed by key with its fix. */
@Readiness
@ApplicationScoped
public class ConfigurationHealthCheck extends DetailedHealthCheck {

  @Inject ControlPlaneStatus controlPlane;

  @Override
  public HealthCheckResponse detailed() {
    List<ConfigProblem> problems = controlPlane.configurationProblems();
    HealthCheckResponseBuilder response = HealthCheckResponse.named("configuration").status(problems.isEmpty());
    for (ConfigProblem problem : problems) {
      response.withData(problem.key(), problem.message());
    }
    return response.build();
  }
}

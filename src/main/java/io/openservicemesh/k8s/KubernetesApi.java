package io.openservicemesh.k8s;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.openservicemesh.k8s.KubernetesConnection.Connected;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** The control plane's one connection to the Kubernetes API, or none in standalone mode. */
@ApplicationScoped
public class KubernetesApi {

  private Optional<Connected> connection;

  /**
   * The connection, made on first use.
   *
   * @throws UncheckedIOException when KUBECONFIG names a file that cannot be read or parsed
   */
  public synchronized Optional<Connected> connection() {
    if (connection == null) {
      try {
        connection = KubernetesConnection.fromEnvironment();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load the Kubernetes client configuration: " + e.getMessage(), e);
      }
    }
    return connection;
  }

  public Optional<CoreV1Api> coreV1() {
    return connection().map(c -> new CoreV1Api(c.client()));
  }
}

package io.openservicemesh.k8s;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Kubernetes API the control plane works against, in this order: the pod's service account when
 * running in a cluster, else the file named by {@code KUBECONFIG}. With neither, there is no cluster and the
 * control plane runs standalone. {@code ~/.kube/config} is deliberately not consulted: a laptop run must not
 * write a CA into whatever cluster kubectl happens to point at.
 */
public final class KubernetesConnection {

  static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** An API client and a description of where it points, for the start-up log. */
  public record Connected(ApiClient client, String description) {}

  private KubernetesConnection() {}

  static {
    // Before any client reads an object: see UnknownFieldsTolerated.
    UnknownFieldsTolerated.install();
  }

  public static Optional<Connected> fromEnvironment() throws IOException {
    return from(System.getenv(), Files.isReadable(SERVICE_ACCOUNT_TOKEN));
  }

  /**
   * A connection of its own for a watch (an informer), found like {@link #fromEnvironment}: a watch holds its
   * connection open far longer than the API calls' read timeout, so this client has none.
   */
  public static Optional<Connected> forWatching() throws IOException {
    Optional<Connected> connection = fromEnvironment();
    connection.ifPresent(c -> c.client().setHttpClient(
        c.client().getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build()));
    return connection;
  }

  /**
   * @throws IOException also in a pod (KUBERNETES_SERVICE_HOST set) whose service account token cannot be read
   *     and no KUBECONFIG is given: running standalone there would make a throw-away root beside the mesh's
   */
  static Optional<Connected> from(Map<String, String> environment, boolean serviceAccountMounted) throws IOException {
    boolean inPod = environment.containsKey("KUBERNETES_SERVICE_HOST");
    if (inPod && serviceAccountMounted) {
      ApiClient client = withoutNagle(ClientBuilder.cluster().build());
      return Optional.of(new Connected(client, "in-cluster service account, API " + client.getBasePath()));
    }
    String kubeconfig = environment.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      // Like kubectl, the first file of a KUBECONFIG list holds the current context.
      Path file = Path.of(kubeconfig.split(java.io.File.pathSeparator)[0]);
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        KubeConfig config = KubeConfig.loadKubeConfig(reader);
        config.setFile(file.toFile());
        ApiClient client = withoutNagle(ClientBuilder.kubeconfig(config).build());
        return Optional.of(new Connected(client, "KUBECONFIG " + file + ", API " + client.getBasePath()));
      }
    }
    if (inPod) {
      throw new IOException("running in a pod (KUBERNETES_SERVICE_HOST is set) but the service account token "
          + SERVICE_ACCOUNT_TOKEN + " cannot be read: mount it (automountServiceAccountToken: true) or set"
          + " KUBECONFIG; the control plane does not run standalone inside a cluster");
    }
    return Optional.empty();
  }

  /** See {@link NoDelaySockets}. */
  private static ApiClient withoutNagle(ApiClient client) {
    return client.setHttpClient(client.getHttpClient().newBuilder().socketFactory(new NoDelaySockets()).build());
  }
}

package io.openservicemesh.it;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Kubernetes API the integration tests run against: the kubeconfig written by
 * src/test/cluster/ensure-cluster.sh (the given KUBECONFIG, or a local apiserver).
 */
public final class TestCluster {

  /** The namespace of the control plane under test; its CA Secret is removed before the servers start. */
  public static final String OSM_NAMESPACE = "osm-it";
  /** The namespace of the second control plane, whose CA Secret is broken before it starts. */
  public static final String BROKEN_CA_NAMESPACE = "osm-it-broken-ca";
  public static final String CA_SECRET = "osm-ca-bundle";

  private TestCluster() {}

  public static Path kubeconfig() {
    String path = System.getProperty("it.kubeconfig");
    if (path == null) {
      throw new IllegalStateException("system property it.kubeconfig is not set: run the tests with mvn verify");
    }
    return Path.of(path);
  }

  public static ApiClient client() {
    return client(kubeconfig());
  }

  /** Where the API server listens, as the kubeconfig names it. */
  public static InetSocketAddress apiAddress() {
    Matcher server = SERVER.matcher(read(kubeconfig()));
    if (!server.find()) {
      throw new IllegalStateException("no https server address in " + kubeconfig());
    }
    return new InetSocketAddress(server.group(1), Integer.parseInt(server.group(2)));
  }

  /**
   * A copy of the kubeconfig that reaches the API server through a local port instead (a proxy in between): the
   * same credentials, and so the same server certificate checks, as the kubeconfig.
   */
  public static Path kubeconfigThrough(int localPort) {
    Path copy = Path.of("target", "kubeconfig-through-" + localPort).toAbsolutePath();
    try {
      Files.writeString(copy, SERVER.matcher(read(kubeconfig())).replaceFirst("https://127.0.0.1:" + localPort));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return copy;
  }

  private static final Pattern SERVER = Pattern.compile("https://([0-9A-Za-z.\\-]+):(\\d+)");

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What the API server has counted of one kind of request since it started: the sum of its own
   * {@code apiserver_request_total} samples for that verb ({@code LIST}, {@code WATCH}, {@code GET}, ...) and
   * resource, over every scope and answer code.
   */
  public static long apiServerRequests(String verb, String resource) {
    ApiClient client = client();
    try (okhttp3.Response response = client.buildCall(client.getBasePath(), "/metrics", "GET", List.of(), List.of(),
        null, new HashMap<>(), new HashMap<>(), new HashMap<>(), new String[] {"BearerToken"}, null).execute()) {
      if (!response.isSuccessful()) {
        throw new IllegalStateException("GET /metrics of the API server answered " + response.code());
      }
      long total = 0;
      for (String line : response.body().string().split("\n")) {
        if (line.startsWith("apiserver_request_total{") && line.contains("verb=\"" + verb + "\"")
            && line.contains("resource=\"" + resource + "\"")) {
          total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ApiException e) {
      throw new IllegalStateException("cannot ask the API server for its metrics: " + e.getMessage(), e);
    }
  }

  public static ApiClient client(Path kubeconfig) {
    try (Reader reader = Files.newBufferedReader(kubeconfig, StandardCharsets.UTF_8)) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      config.setFile(kubeconfig.toFile());
      return ClientBuilder.kubeconfig(config).build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot load " + kubeconfig, e);
    }
  }

  public static CoreV1Api core() {
    return new CoreV1Api(client());
  }

  /** Creates the namespace unless it exists. Namespaces are never deleted: a bare apiserver never finishes. */
  public static void ensureNamespace(CoreV1Api api, String name) throws ApiException {
    try {
      api.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(name))).execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /**
   * Leaves no trace of an earlier mesh in {@code namespace} (a cluster kept between runs): its CA Secret and its
   * webhook configurations, whose caBundle would otherwise make the built-in CA refuse to create a new root.
   */
  public static void forgetMesh(ApiClient client, String namespace, String caSecret) throws ApiException {
    deleteSecretIfPresent(new CoreV1Api(client), namespace, caSecret);
    forgetWebhooks(client, namespace);
  }

  /**
   * Deletes the webhook configurations a control plane of {@code namespace} registered: cluster-wide objects that
   * would otherwise outlive it and send pods of every meshed namespace to a Service that does not exist.
   */
  public static void forgetWebhooks(ApiClient client, String namespace) throws ApiException {
    io.openservicemesh.config.WebhookSettings webhooks = io.openservicemesh.config.MeshSettingsParser
        .parse(key -> java.util.Optional.empty()).orElseThrow().webhooks();
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(client);
    ignoreNotFound(() -> admission.deleteMutatingWebhookConfiguration(
        webhooks.mutatingConfigurationName(namespace)).execute());
    ignoreNotFound(() -> admission.deleteValidatingWebhookConfiguration(
        webhooks.validatingConfigurationName(namespace)).execute());
  }

  private interface ApiCall {
    Object call() throws ApiException;
  }

  private static void ignoreNotFound(ApiCall call) throws ApiException {
    try {
      call.call();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  public static void deleteSecretIfPresent(CoreV1Api api, String namespace, String name) throws ApiException {
    try {
      api.deleteNamespacedSecret(name, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}

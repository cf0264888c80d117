package io.openservicemesh.it;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Helm chart in kubernetes/osm-controller, rendered with the real Helm binary and applied with kubectl to the
 * test API server, as an operator would. Both tools come from src/test/deploy/tools.sh (installed on first use).
 */
public final class Chart {

  public static final Path DIRECTORY = Path.of("kubernetes", "osm-controller");
  /** The control plane's service account, named by the chart. */
  public static final String SERVICE_ACCOUNT = "osm-controller";

  private static final Path TOOLS = Path.of("src", "test", "deploy", "tools.sh");
  private static String helm;
  private static String kubectl;
  private static String clusterVersion;

  private Chart() {}

  /** What a command printed and how it ended. */
  public record Result(int exit, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  public static synchronized String helm() {
    if (helm == null) {
      helm = tool("helm");
    }
    return helm;
  }

  public static synchronized String kubectl() {
    if (kubectl == null) {
      kubectl = tool("kubectl");
    }
    return kubectl;
  }

  /** The test API server's version (e.g. 1.20.2), so that the chart renders for it as helm install would. */
  public static synchronized String clusterVersion() {
    if (clusterVersion == null) {
      try {
        clusterVersion = new VersionApi(TestCluster.client()).getCode().execute().getGitVersion().replaceFirst("^v", "");
      } catch (ApiException e) {
        throw new IllegalStateException("cannot read the API server's version: " + e.getCode(), e);
      }
    }
    return clusterVersion;
  }

  /** {@code helm template} for the test cluster's version, with {@code --set KEY=VALUE} for each entry. */
  public static Result template(String namespace, Map<String, String> sets, String... moreArguments) {
    List<String> command = new ArrayList<>(List.of(helm(), "template", "osm", DIRECTORY.toString(),
        "--namespace", namespace, "--kube-version", clusterVersion()));
    sets.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
    command.addAll(List.of(moreArguments));
    return run(command, null);
  }

  /**
   * {@code helm template} with arguments as a shell reads them from a command line, e.g. a document's
   * {@code --set OpenServiceMesh.vault.protocol="http"} (quotes removed by bash itself).
   */
  public static Result templateWithShellArguments(String namespace, String arguments) {
    String command = "exec \"$0\" template osm \"$1\" --namespace \"$2\" --kube-version \"$3\" " + arguments;
    return run(List.of("bash", "-c", command, helm(), DIRECTORY.toString(), namespace, clusterVersion()), null);
  }

  /** Any helm command. */
  public static Result helm(String... arguments) {
    List<String> command = new ArrayList<>(List.of(helm()));
    command.addAll(List.of(arguments));
    return run(command, null);
  }

  /** Any kubectl command against the test cluster. */
  public static Result kubectl(String... arguments) {
    List<String> command = new ArrayList<>(List.of(kubectl()));
    command.addAll(List.of(arguments));
    return run(command, null);
  }

  /** Renders and fails the test when Helm refuses. */
  public static String render(String namespace, Map<String, String> sets, String... moreArguments) {
    Result result = template(namespace, sets, moreArguments);
    if (result.exit() != 0) {
      throw new AssertionError("helm template failed: " + result.output());
    }
    return result.stdout();
  }

  /** {@code kubectl apply -f -}, for real or as a server-side dry run. */
  public static Result apply(String manifests, boolean serverDryRun) {
    List<String> command = new ArrayList<>(List.of(kubectl(), "apply", "-f", "-"));
    if (serverDryRun) {
      command.add("--dry-run=server");
    }
    return run(command, manifests);
  }

  /**
   * Installs the chart into a new namespace the way {@code helm install --create-namespace} would leave it: the
   * namespace, then every rendered object, first validated by a server-side dry run.
   */
  public static String install(String namespace, Map<String, String> sets) throws ApiException {
    TestCluster.ensureNamespace(TestCluster.core(), namespace);
    // The injector of a test installation has no running pod behind it: should its configuration outlive a
    // crashed test, pod creation in the cluster must not depend on it.
    Map<String, String> withIgnore = new LinkedHashMap<>(Map.of("injector.failurePolicy", "Ignore"));
    withIgnore.putAll(sets);
    String manifests = render(namespace, withIgnore);
    for (boolean dryRun : new boolean[] {true, false}) {
      Result applied = apply(manifests, dryRun);
      if (applied.exit() != 0) {
        throw new AssertionError("kubectl apply" + (dryRun ? " --dry-run=server" : "") + " failed: "
            + applied.output());
      }
    }
    return manifests;
  }

  /** The rendered documents, in order, as maps. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> documents(String manifests) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(manifests)) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  /** The one rendered object of this kind and name. */
  public static Map<String, Object> object(String manifests, String kind, String name) {
    return documents(manifests).stream()
        .filter(d -> kind.equals(d.get("kind")) && name.equals(metadata(d).get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> metadata(Map<String, Object> object) {
    return (Map<String, Object>) object.get("metadata");
  }

  /** The environment of the osm-controller container, name to the whole entry, in order. */
  @SuppressWarnings("unchecked")
  public static Map<String, Map<String, Object>> controllerEnvironment(String manifests) {
    Map<String, Object> deployment = object(manifests, "Deployment", "osm-controller");
    Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>)
        ((Map<String, Object>) deployment.get("spec")).get("template")).get("spec");
    Map<String, Object> container = ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
    Map<String, Map<String, Object>> environment = new LinkedHashMap<>();
    for (Map<String, Object> entry : (List<Map<String, Object>>) container.get("env")) {
      environment.put((String) entry.get("name"), entry);
    }
    return environment;
  }

  /**
   * A client that acts as the chart's service account in {@code namespace}, with a short-lived token from the
   * TokenRequest API, exactly what the control plane's pod would hold.
   */
  public static ApiClient serviceAccountClient(String namespace) throws ApiException {
    CoreV1Api admin = TestCluster.core();
    AuthenticationV1TokenRequest request = new AuthenticationV1TokenRequest()
        .spec(new V1TokenRequestSpec().expirationSeconds(600L));
    String token = admin.createNamespacedServiceAccountToken(SERVICE_ACCOUNT, namespace, request).execute()
        .getStatus().getToken();
    Path kubeconfig = TestCluster.kubeconfig();
    try (Reader reader = Files.newBufferedReader(kubeconfig, StandardCharsets.UTF_8)) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      config.setFile(kubeconfig.toFile());
      // The server and its CA from the kubeconfig; the identity from the token alone.
      return ClientBuilder.kubeconfig(config).setAuthentication(new AccessTokenAuthentication(token)).build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot load " + kubeconfig, e);
    }
  }

  private static String tool(String name) {
    Result result = run(List.of("bash", TOOLS.toString(), name), null);
    if (result.exit() != 0) {
      throw new IllegalStateException("cannot install " + name + ": " + result.output());
    }
    String[] lines = result.stdout().strip().split("\n");
    return lines[lines.length - 1];
  }

  /** Runs a command against the test cluster; stdin gets {@code input}, stdout and stderr are read apart. */
  private static Result run(List<String> command, String input) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("KUBECONFIG", TestCluster.kubeconfig().toString());
      Process process = builder.start();
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      try (OutputStream stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException endedEarly) {
        // The process stopped reading; its exit code and output tell why.
      }
      String stdout = readAll(process.getInputStream());
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish");
      }
      return new Result(process.exitValue(), stdout, stderr.join());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command.get(0), e);
    }
  }

  private static String readAll(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vault demo (demo/deploy-vault.sh and its manifests) against the real Kubernetes API: the manifests
 * pass a server-side dry run, the script runs end to end in its dry-run mode (every object validated by
 * the API server, nothing changed), and the script passes shellcheck. Pods do not run here, so the Vault
 * commands themselves are only listed, not executed.
 */
class VaultDemoIT {

  private static final Path DEMO = Path.of("demo");
  private static String namespace;

  @BeforeAll
  static void namespace() throws Exception {
    namespace = "osm-vault-demo-" + UUID.randomUUID().toString().substring(0, 8);
    TestCluster.ensureNamespace(TestCluster.core(), namespace);
  }

  @Test
  void theManifestsPassAServerSideDryRun() throws Exception {
    Result result = run(Map.of(), "kubectl", "apply", "--dry-run=server", "-n", namespace,
        "-f", DEMO.resolve("vault").toString());

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("serviceaccount/vault created (server dry run)")
        .contains("deployment.apps/vault created (server dry run)")
        .contains("service/vault created (server dry run)");
  }

  @Test
  void theScriptRunsEndToEndInDryRunMode() throws Exception {
    Result result = run(Map.of("K8S_NAMESPACE", namespace, "VAULT_TOKEN", "xyz-demo-root-token", "DRY_RUN", "server",
        "VAULT_KUBERNETES_AUTH", "true"), "bash", DEMO.resolve("deploy-vault.sh").toString());

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("secret/vault-dev-root-token created (server dry run)")
        .contains("deployment.apps/vault created (server dry run)")
        .contains("(dry run) vault secrets enable pki")
        .contains("(dry run) vault secrets tune -max-lease-ttl=87600h pki")
        .contains("(dry run) vault write pki/roles/openservicemesh allow_any_name=true allow_subdomains=true"
            + " allow_bare_domains=true allow_localhost=true max_ttl=24h\n")
        .contains("(dry run) vault write -field=serial_number pki/root/generate/internal common_name=osm.root"
            + " ttl=87600h")
        .contains("--set OpenServiceMesh.vault.host=vault." + namespace + ".svc.cluster.local")
        .doesNotContain("xyz-demo-root-token");
    assertThat(TestCluster.core().listNamespacedSecret(namespace).execute().getItems()).as("nothing created").isEmpty();
  }

  @Test
  void theScriptRefusesToRunWithoutItsVariables() throws Exception {
    Result result = run(Map.of("VAULT_TOKEN", "x"), "bash", DEMO.resolve("deploy-vault.sh").toString());

    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("set K8S_NAMESPACE to the namespace Vault is deployed into");
  }

  private record Result(int exit, String output) {}

  private static Result run(Map<String, String> environment, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
    builder.environment().remove("K8S_NAMESPACE");
    builder.environment().put("KUBECONFIG", TestCluster.kubeconfig().toString());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}

package io.openservicemesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSecretScanTest {

  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl";

  @Test
  void eachKindOfSecretIsFoundWithFileAndLineAndShownRedacted() {
    List<String> findings = LogSecretScan.scanLines("messages.log", List.of(
        "[I] osm-controller is ready",
        "key: -----BEGIN EC PRIVATE KEY----- MHcCAQEE",
        "authorization: Bearer " + JWT,
        "X-Vault-Token: hvs.CAESIAbCdEfGhIjKlMnOp",
        "kubeconfig token test-admin-token"));

    assertThat(findings).containsExactly(
        "messages.log:2: PEM private key: key: <PEM private key redacted> MHcCAQEE",
        "messages.log:3: JWT: authorization: Bearer <JWT redacted>",
        "messages.log:4: Vault token: X-Vault-Token: <Vault token redacted>",
        "messages.log:5: test token: kubeconfig token <test token redacted>");
    assertThat(String.join("\n", findings)).doesNotContain(JWT, "hvs.CAESIAbCdEfGhIjKlMnOp");
  }

  @Test
  void wordsAboutSecretsAreNotSecrets() {
    assertThat(LogSecretScan.scanLines("messages.log", List.of(
        "the CA Secret osm-ca-bundle has ca.crt, expiration and private.key",
        "OpenServiceMesh.vault.token is set; the token is renewed every 20m",
        "refused: no client certificate (hvs.x is not a token)"))).isEmpty();
  }

  @Test
  void onlyTheServersLogsAreRead(@TempDir Path servers) throws Exception {
    Path logs = Files.createDirectories(servers.resolve("osm-it/logs/ffdc"));
    Files.writeString(logs.resolve("ffdc_1.log"), "ok\nleaked " + JWT + "\n");
    Path tls = Files.createDirectories(servers.resolve("osm-it/tls"));
    Files.writeString(tls.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");

    assertThat(LogSecretScan.scan(servers)).singleElement().asString()
        .startsWith(logs.resolve("ffdc_1.log") + ":2: JWT");
  }
}

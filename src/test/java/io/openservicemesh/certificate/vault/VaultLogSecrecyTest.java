package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.certificate.vault.VaultTestServer.KubernetesRole;
import io.openservicemesh.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the Vault issuer logs, at every level, through a full life (start, issuance, renewal,
 * refusals, sealing, expiry, Kubernetes login), holds no token, no service-account JWT and no private key.
 */
class VaultLogSecrecyTest {

  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvc20ifQ.c2lnbmF0dXJlLXNlY3JldA";

  @TempDir Path temp;

  @Test
  void noSecretReachesTheLog() throws Exception {
    List<String> secrets = new ArrayList<>();
    List<String> privateKeys = new ArrayList<>();
    List<String> log;
    try (VaultFixture vault = new VaultFixture(temp); LogCapture capture = LogCapture.controlPlane()) {
      MeshCertificateSpecs specs =
          new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(1), KeySpec.ECDSA_P256);

      // A static token: start, issue, renew, a refused request, a sealed Vault, expiry.
      String token = vault.issuingToken(Duration.ofSeconds(60), Duration.ofSeconds(100));
      secrets.add(token);
      VaultIssuer issuer = vault.issuer(token);
      Certificate certificate = issuer.issue(specs.service(new ServiceIdentity("bookbuyer", "bookstore")));
      privateKeys.add(certificate.privateKeyPem());
      VaultTokenKeeper keeper = vault.staticKeeper(vault.client(), token);
      keeper.start();
      vault.clock.advance(Duration.ofSeconds(41));
      keeper.maintain();
      vault.server.policy(VaultFixture.ISSUE_POLICY, "nothing");
      assertThatThrownBy(() -> issuer.issue(specs.service(new ServiceIdentity("bookstore", "bookstore"))));
      vault.server.seal();
      vault.clock.advance(Duration.ofSeconds(30));
      keeper.maintain();
      vault.clock.advance(Duration.ofSeconds(60));
      keeper.maintain();
      keeper.status();
      vault.server.unseal();

      // Kubernetes auth: login, a refused login, issuance.
      Path jwtFile = temp.resolve("sa-token");
      Files.writeString(jwtFile, JWT);
      secrets.add(JWT);
      vault.server.policy(VaultFixture.ISSUE_POLICY, "pki/issue/openservicemesh");
      vault.server.kubernetesRole("kubernetes", "osm", new KubernetesRole(Set.of(JWT),
          Set.of(VaultFixture.ISSUE_POLICY), Duration.ofMinutes(5), Duration.ofMinutes(5), "osm-controller",
          "osm-system"));
      VaultClient client = vault.client();
      VaultTokenKeeper k8s = vault.keeper(client, new KubernetesAuthentication(client, "kubernetes", "osm", jwtFile));
      k8s.start();
      secrets.addAll(vault.server.tokensFromLogins());
      VaultTrust trust = vault.trust(client);
      trust.refresh();
      Certificate second = vault.issuer(client, k8s, trust, VaultFixture.ROLE, KeySpec.rsa(2048)).issue(specs.service(new ServiceIdentity("bookwarden", "bookstore")));
      privateKeys.add(second.privateKeyPem());
      Files.writeString(jwtFile, JWT + "-rotated-but-refused");
      secrets.add(JWT + "-rotated-but-refused");
      vault.clock.advance(Duration.ofMinutes(4)); // renewal cannot pass the max TTL: a login, refused
      k8s.maintain();
      assertThat(vault.server.requests("POST", "auth/kubernetes/login")).hasSize(2);

      log = capture.formatted();
    }

    assertThat(log).as("the scenario logged something to check").hasSizeGreaterThan(10);
    String all = String.join("\n", log);
    for (String secret : secrets) {
      assertThat(all).doesNotContain(secret);
    }
    for (String key : privateKeys) {
      String body = key.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      assertThat(all).doesNotContain(body.substring(0, 40));
      assertThat(all).doesNotContain(Base64.getEncoder().encodeToString(Base64.getDecoder().decode(body)));
    }
    assertThat(all).doesNotContain("PRIVATE KEY-----");
  }
}

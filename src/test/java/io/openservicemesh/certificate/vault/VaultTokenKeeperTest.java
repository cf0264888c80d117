package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.vault.VaultException.Kind;
import io.openservicemesh.certificate.vault.VaultTestServer.KubernetesRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token's life against a Vault whose TTLs really run out on the shared test clock: renewal before
 * expiry, max TTLs, expiry, refusal, Kubernetes re-login, and recovery.
 */
class VaultTokenKeeperTest {

  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.service-account-one.sig";
  private static final String ROTATED_JWT = "eyJhbGciOiJSUzI1NiJ9.service-account-two.sig";

  @TempDir Path temp;
  private VaultFixture vault;
  private VaultClient client;

  @BeforeEach
  void startVault() throws Exception {
    vault = new VaultFixture(temp);
    client = vault.client();
  }

  @AfterEach
  void stopVault() {
    vault.close();
  }

  @Test
  void renewsAfterTwoThirdsOfTheTtlNotBefore() throws Exception {
    String token = vault.issuingToken(Duration.ofSeconds(60), Duration.ofHours(1));
    VaultTokenKeeper keeper = vault.staticKeeper(client, token);
    keeper.start();
    Instant started = vault.clock.instant();

    vault.clock.advance(Duration.ofSeconds(39));
    keeper.maintain();
    assertThat(vault.server.requests("POST", "auth/token/renew-self")).isEmpty();

    vault.clock.advance(Duration.ofSeconds(2));
    keeper.maintain();
    assertThat(vault.server.requests("POST", "auth/token/renew-self")).hasSize(1);
    assertThat(vault.server.remainingTtlSeconds(token)).isEqualTo(60);
    assertThat(keeper.status().usable()).isTrue();
    assertThat(keeper.status().details())
        .containsEntry("tokenExpiresAt", started.plusSeconds(41 + 60).toString())
        .containsEntry("tokenNextActionAt", started.plusSeconds(41 + 40).toString());

    // Well past the first TTL: renewal kept it alive at Vault and here.
    for (int i = 0; i < 5; i++) {
      vault.clock.advance(Duration.ofSeconds(41));
      keeper.maintain();
    }
    assertThat(keeper.token()).isEqualTo(new VaultToken(token));
    assertThat(vault.server.remainingTtlSeconds(token)).isPositive();
  }

  @Test
  void aTokenWithoutTtlIsNeverTouched() throws Exception {
    VaultTokenKeeper keeper = vault.staticKeeper(client, vault.server.createRootToken());
    keeper.start();

    vault.clock.advance(Duration.ofDays(400));
    keeper.maintain();

    assertThat(vault.server.requests("POST", "auth/token/renew-self")).isEmpty();
    assertThat(keeper.status().usable()).isTrue();
    assertThat(keeper.status().details()).containsEntry("tokenExpiresAt", "never");
  }

  @Test
  void aStaticTokenAtItsMaxTtlExpiresAndReadinessSaysWhyAndWhatToDo() throws Exception {
    String token = vault.issuingToken(Duration.ofSeconds(60), Duration.ofSeconds(90));
    VaultTokenKeeper keeper = vault.staticKeeper(client, token);
    keeper.start();
    Instant started = vault.clock.instant();

    vault.clock.advance(Duration.ofSeconds(41)); // renewed up to the max: 90 s after creation
    keeper.maintain();
    vault.clock.advance(Duration.ofSeconds(33)); // 74 s: the next renewal cannot extend it any more
    keeper.maintain();
    assertThat(vault.server.requests("POST", "auth/token/renew-self")).hasSize(2);
    assertThat(keeper.status().details()).containsEntry("tokenRenewable", "false")
        .containsEntry("tokenExpiresAt", started.plusSeconds(90).toString());

    vault.clock.advance(Duration.ofSeconds(10));
    keeper.maintain();
    assertThat(vault.server.requests("POST", "auth/token/renew-self")).as("no pointless renewals").hasSize(2);

    vault.clock.advance(Duration.ofSeconds(6)); // 90 s: expired here and at Vault
    keeper.maintain();
    VaultTokenKeeper.Status status = keeper.status();
    assertThat(status.usable()).isFalse();
    assertThat(status.reason())
        .contains("the Vault token expired at " + started.plusSeconds(90))
        .contains("set a new token in OpenServiceMesh.vault.token and restart");
    assertThatThrownBy(keeper::token).isInstanceOf(TokenUnavailableException.class)
        .hasMessageContaining("expired at");
  }

  @Test
  void aRevokedStaticTokenIsReportedAsRefused() throws Exception {
    String token = vault.issuingToken(Duration.ofSeconds(60), Duration.ofHours(1));
    VaultTokenKeeper keeper = vault.staticKeeper(client, token);
    keeper.start();
    vault.server.revoke(token);

    vault.clock.advance(Duration.ofSeconds(41));
    keeper.maintain();

    assertThat(keeper.status().usable()).isFalse();
    assertThat(keeper.status().reason())
        .startsWith("Vault refuses the control plane's token: POST /v1/auth/token/renew-self: Vault answered 403");
  }

  @Test
  void anExpiredKubernetesTokenMakesItUnusableThenALoginBringsItBack() throws Exception {
    VaultTokenKeeper keeper = kubernetesKeeper(JWT);
    keeper.start();
    Instant started = vault.clock.instant();

    vault.clock.advance(Duration.ofSeconds(30));
    vault.server.seal();
    vault.clock.advance(Duration.ofSeconds(11));
    keeper.maintain(); // renewal at 2/3 fails: sealed
    assertThat(keeper.status().usable()).as("still valid until its TTL runs out").isTrue();
    assertThat(keeper.status().details()).containsEntry("tokenFailedAttempts", "1")
        .hasEntrySatisfying("tokenLastFailure", v -> assertThat(v).contains("Vault is sealed"));

    vault.clock.advance(Duration.ofSeconds(20)); // 61 s: past its 60 s TTL
    keeper.maintain();
    VaultTokenKeeper.Status down = keeper.status();
    assertThat(down.usable()).isFalse();
    assertThat(down.reason())
        .contains("the Vault token expired at " + started.plusSeconds(60))
        .contains("Vault is sealed")
        .contains("logging in again is retried with backoff");

    vault.server.unseal();
    vault.clock.advance(Duration.ofSeconds(60));
    keeper.maintain();

    assertThat(keeper.status().usable()).isTrue();
    assertThat(vault.server.tokensFromLogins()).hasSize(2);
    assertThat(keeper.token()).isEqualTo(new VaultToken(vault.server.tokensFromLogins().get(1)));
  }

  @Test
  void aKubernetesTokenAtItsMaxTtlIsReplacedByANewLoginBeforeItExpires() throws Exception {
    VaultTokenKeeper keeper = kubernetesKeeper(JWT);
    keeper.start();
    String first = vault.server.tokensFromLogins().get(0);

    vault.clock.advance(Duration.ofSeconds(41)); // renewed: 60 s TTL, capped at the 90 s max
    keeper.maintain();
    vault.clock.advance(Duration.ofSeconds(33)); // renewal no longer extends it: log in again
    keeper.maintain();

    assertThat(vault.server.tokensFromLogins()).hasSize(2);
    assertThat(keeper.token()).isNotEqualTo(new VaultToken(first));
    assertThat(keeper.status().usable()).isTrue();
  }

  @Test
  void theServiceAccountTokenIsReadAfreshAtEveryLogin() throws Exception {
    Path jwtFile = temp.resolve("token");
    Files.writeString(jwtFile, JWT + "\n");
    VaultTokenKeeper keeper = vault.keeper(client, new KubernetesAuthentication(client, "kubernetes", "osm",
        jwtFile));
    vault.server.kubernetesRole("kubernetes", "osm", new KubernetesRole(Set.of(JWT, ROTATED_JWT),
        Set.of(VaultFixture.ISSUE_POLICY), Duration.ofSeconds(60), Duration.ofSeconds(60), "osm-controller",
        "osm-system"));
    keeper.start();
    Files.writeString(jwtFile, ROTATED_JWT);

    vault.clock.advance(Duration.ofSeconds(41)); // renewal cannot pass the 60 s max: log in again
    keeper.maintain();

    assertThat(vault.server.requests("POST", "auth/kubernetes/login"))
        .extracting(r -> r.body().get("jwt"))
        .containsExactly(JWT, ROTATED_JWT);
  }

  @Test
  void aRefusedLoginFailsStartUpWithVaultsAnswer() {
    VaultTokenKeeper keeper = kubernetesKeeper("not-a-service-account-token");

    assertThatThrownBy(keeper::start)
        .isInstanceOfSatisfying(VaultException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
          assertThat(e.getMessage()).startsWith("POST /v1/auth/kubernetes/login: Vault answered 403");
        });
  }

  @Test
  void anUnknownKubernetesRoleIsNamedInTheError() throws Exception {
    Path jwtFile = temp.resolve("token");
    Files.writeString(jwtFile, JWT);
    vault.server.kubernetesRole("kubernetes", "osm", new KubernetesRole(Set.of(JWT), Set.of(), Duration.ofMinutes(1),
        Duration.ZERO, "osm-controller", "osm-system"));
    VaultTokenKeeper keeper = vault.keeper(client, new KubernetesAuthentication(client, "kubernetes", "mesh", jwtFile));

    assertThatThrownBy(keeper::start)
        .hasMessage("POST /v1/auth/kubernetes/login: Vault answered 400 with errors [invalid role name \"mesh\"]");
  }

  @Test
  void aMissingServiceAccountTokenFileIsNamed() {
    Path missing = temp.resolve("no-token");
    VaultTokenKeeper keeper = vault.keeper(client, new KubernetesAuthentication(client, "kubernetes", "osm", missing));

    assertThatThrownBy(keeper::start)
        .hasMessageStartingWith("cannot read the service account token " + missing
            + " (OpenServiceMesh.vault.serviceAccountTokenPath)");
  }

  @Test
  void renewalFailuresBackOff() throws Exception {
    String token = vault.issuingToken(Duration.ofMinutes(30), Duration.ofHours(10));
    VaultTokenKeeper keeper = vault.staticKeeper(client, token);
    keeper.start();
    vault.server.seal();
    vault.clock.advance(Duration.ofMinutes(20).plusSeconds(1));

    keeper.maintain();
    int afterFirst = vault.server.requests("POST", "auth/token/renew-self").size();
    keeper.maintain(); // same instant: the next attempt waits for its backoff
    assertThat(vault.server.requests("POST", "auth/token/renew-self")).hasSize(afterFirst);

    vault.clock.advance(VaultTokenKeeper.RETRY.ceiling(0));
    keeper.maintain();
    assertThat(vault.server.requests("POST", "auth/token/renew-self")).hasSize(2 * afterFirst);
    assertThat(keeper.status().details()).containsEntry("tokenFailedAttempts", "2");
  }

  private VaultTokenKeeper kubernetesKeeper(String presentedJwt) {
    try {
      Path jwtFile = temp.resolve("token-" + presentedJwt.hashCode());
      Files.writeString(jwtFile, presentedJwt);
      vault.server.kubernetesRole("kubernetes", "osm", new KubernetesRole(Set.of(JWT),
          Set.of(VaultFixture.ISSUE_POLICY), Duration.ofSeconds(60), Duration.ofSeconds(90), "osm-controller",
          "osm-system"));
      return vault.keeper(client, new KubernetesAuthentication(client, "kubernetes", "osm", jwtFile));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

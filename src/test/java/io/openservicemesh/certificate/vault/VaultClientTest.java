package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.vault.VaultException.Kind;
import io.openservicemesh.schedule.Backoff;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire: requests as Vault documents them, and every kind of failure classified and retried right. */
class VaultClientTest {

  private static final String ISSUE_PATH = "pki/issue/openservicemesh";
  private static final IssueRequest REQUEST = new IssueRequest("bookbuyer.bookstore.cluster.local",
      List.of("bookbuyer.bookstore.svc"), List.of("spiffe://cluster.local/ns/bookstore/sa/bookbuyer"), 5400);

  @TempDir java.nio.file.Path temp;
  private VaultFixture vault;
  private VaultToken token;

  @BeforeEach
  void startVault() throws Exception {
    vault = new VaultFixture(temp);
    token = new VaultToken(vault.issuingToken(Duration.ofHours(1), Duration.ZERO));
  }

  @AfterEach
  void stopVault() {
    vault.close();
  }

  @Test
  void issueSendsTheDocumentedRequest() throws Exception {
    IssueResponse response = vault.client().issue(token, "pki", "openservicemesh", REQUEST);

    VaultTestServer.Request sent = vault.server.requests("POST", ISSUE_PATH).get(0);
    assertThat(sent.token()).isTrue();
    assertThat(sent.body())
        .containsEntry("common_name", "bookbuyer.bookstore.cluster.local")
        .containsEntry("alt_names", "bookbuyer.bookstore.svc")
        .containsEntry("uri_sans", "spiffe://cluster.local/ns/bookstore/sa/bookbuyer")
        .containsEntry("ttl", "5400s")
        .containsEntry("format", "pem")
        .containsEntry("private_key_format", "pkcs8");
    assertThat(response.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(response.caChain()).hasSize(1);
    assertThat(response.serialNumber()).matches("[0-9a-f]{2}(:[0-9a-f]{2})+");
    assertThat(response.toString()).doesNotContain(response.privateKey()).contains("privateKey=<redacted>");
  }

  @Test
  void vaultsErrorsArrayIsSurfacedAndA400IsNotRetried() {
    vault.server.policy("any-role", "pki/issue/*");
    VaultToken anyRole = new VaultToken(vault.server.createToken(Duration.ofHours(1), Duration.ZERO, true, "any-role"));

    assertThatThrownBy(() -> vault.client().issue(anyRole, "pki", "no-such-role", REQUEST))
        .isInstanceOfSatisfying(VaultException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.REJECTED);
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.errors()).containsExactly("unknown role: no-such-role");
          assertThat(e.getMessage())
              .isEqualTo("POST /v1/pki/issue/no-such-role: Vault answered 400 with errors [unknown role: no-such-role]");
        });
    assertThat(vault.server.requests("POST", "pki/issue/no-such-role")).hasSize(1);
    assertThat(vault.sleeper.waits()).isEmpty();
  }

  @Test
  void aSealedVaultIsRetriedWithGrowingJitteredWaitsThenReported() {
    vault.server.seal();

    assertThatThrownBy(() -> vault.client().issue(token, "pki", "openservicemesh", REQUEST))
        .isInstanceOfSatisfying(VaultException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.SEALED);
          assertThat(e.retryable()).isTrue();
          assertThat(e.errors()).containsExactly("Vault is sealed");
          assertThat(e.getMessage())
              .contains("Vault answered 503 with errors [Vault is sealed]")
              .contains("vault operator unseal")
              .endsWith("(gave up after 4 attempts)");
        });
    assertThat(vault.server.requests("POST", ISSUE_PATH)).hasSize(4);
    // Backoff(500ms, 4s) with the jitter at 0.5: 3/4 of 500 ms, 1 s and 2 s.
    assertThat(vault.sleeper.waits())
        .containsExactly(Duration.ofMillis(375), Duration.ofMillis(750), Duration.ofMillis(1500));
  }

  @Test
  void the503sOfAVaultComingBackAreRiddenOut() throws Exception {
    vault.server.failNext(ISSUE_PATH, 2, 503, "Vault is sealed");

    IssueResponse response = vault.client().issue(token, "pki", "openservicemesh", REQUEST);

    assertThat(response.certificate()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(vault.server.requests("POST", ISSUE_PATH)).hasSize(3);
    assertThat(vault.sleeper.waits()).hasSize(2);
  }

  @Test
  void serverErrorsAndRateLimitsAreRetried() throws Exception {
    vault.server.failNext(ISSUE_PATH, 1, 500, "internal error");
    vault.server.failNext(ISSUE_PATH, 1, 429, "request path \"pki/issue/openservicemesh\": rate limit quota exceeded");
    vault.server.failNext(ISSUE_PATH, 1, 502, "upstream");

    vault.client().issue(token, "pki", "openservicemesh", REQUEST);

    assertThat(vault.server.requests("POST", ISSUE_PATH)).hasSize(4);
  }

  @Test
  void everyFailedExchangeIsMeteredByStatusAndOneWithoutAnswerByWhatPreventedIt() throws Exception {
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    VaultMeter meter = new VaultMeter() {
      @Override
      public void requestFailed(String status) {
        failures.add(status);
      }
    };
    vault.server.failNext(ISSUE_PATH, 1, 500, "internal error");
    vault.server.failNext(ISSUE_PATH, 1, 429, "rate limit quota exceeded");
    VaultClient client = vault.client(RetryPolicy.DEFAULT, Duration.ofSeconds(5), meter);
    client.issue(token, "pki", "openservicemesh", REQUEST);
    assertThatThrownBy(() -> client.lookupSelf(new VaultToken("hvs.unknown"))).isInstanceOf(VaultException.class);
    vault.server.close();
    assertThatThrownBy(() -> client.lookupSelf(token)).isInstanceOf(VaultException.class);

    // The unreachable Vault is tried four times (the first attempt and three retries), each counted.
    assertThat(failures).containsExactly("500", "429", "403", "unreachable", "unreachable", "unreachable",
        "unreachable");
  }

  @Test
  void permissionDeniedIsNotRetried() {
    VaultToken other = new VaultToken(vault.server.createToken(Duration.ofHours(1), Duration.ZERO, true));

    assertThatThrownBy(() -> vault.client().issue(other, "pki", "openservicemesh", REQUEST))
        .isInstanceOfSatisfying(VaultException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
          assertThat(e.retryable()).isFalse();
          assertThat(e.errors()).containsExactly("permission denied");
        });
    assertThat(vault.server.requests("POST", ISSUE_PATH)).hasSize(1);
    assertThat(vault.sleeper.waits()).isEmpty();
  }

  @Test
  void aMissingTokenIsAPermissionDenied() {
    assertThatThrownBy(() -> vault.client().lookupSelf(new VaultToken("hvs.unknown")))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void aVaultThatDoesNotAnswerInTimeIsATimeoutAndRetried() throws Exception {
    RetryPolicy twice = new RetryPolicy(2, new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)));
    try (AutoCloseable stalled = vault.server.stallRequests()) {
      assertThatThrownBy(() -> vault.client(twice, Duration.ofMillis(300)).lookupSelf(token))
          .isInstanceOfSatisfying(VaultException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("no complete answer within 300 ms")
                .contains("OpenServiceMesh.vault.requestTimeout");
          });
    }
    assertThat(vault.server.requests("GET", "auth/token/lookup-self")).hasSize(2);
  }

  @Test
  void aVaultThatIsGoneIsUnreachableAndRetried() {
    VaultClient client = vault.client();
    vault.server.close();

    assertThatThrownBy(() -> client.lookupSelf(token))
        .isInstanceOfSatisfying(VaultException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
          assertThat(e.getMessage()).contains("cannot reach Vault at " + vault.server.address());
        });
    assertThat(vault.sleeper.waits()).hasSize(3);
  }

  @Test
  void anAnswerThatIsNotTheDocumentedJsonIsMalformedNotACrash() {
    vault.server.respondNext(ISSUE_PATH, 200, "{\"data\": {\"certificate\": 42}}");

    assertThatThrownBy(() -> vault.client().issue(token, "pki", "openservicemesh", REQUEST))
        .isInstanceOfSatisfying(VaultException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
          assertThat(e.getMessage()).endsWith("\"certificate\" should be a string but is a number");
        });
  }

  @Test
  void aProxysErrorPageIsQuotedSafely() {
    vault.server.respondNext(ISSUE_PATH, 502, "<html>\"Bad\" gateway\n</html>");

    assertThatThrownBy(() -> vault.client(new RetryPolicy(1, RetryPolicy.DEFAULT.backoff()), Duration.ofSeconds(5))
            .issue(token, "pki", "openservicemesh", REQUEST))
        .hasMessageContaining("a non-JSON body starting \"<html>?Bad? gateway?</html>\"");
  }

  @Test
  void lookupReadsTheRemainingTtl() throws Exception {
    vault.clock.advance(Duration.ofMinutes(10));

    TokenGrant grant = vault.client().lookupSelf(token);

    assertThat(grant.ttl()).isEqualTo(Duration.ofMinutes(50));
    assertThat(grant.renewable()).isTrue();
    assertThat(grant.policies()).containsExactly("default", "osm-issuer");
    assertThat(grant.token()).isEqualTo(token);
  }

  @Test
  void theCaEndpointsNeedNoToken() throws Exception {
    String ca = vault.client().caPem("pki");

    assertThat(ca).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(vault.server.requests("GET", "pki/ca/pem").get(0).token()).isFalse();
    assertThat(vault.client().caChainPem("pki")).isEqualTo(ca);
  }
}

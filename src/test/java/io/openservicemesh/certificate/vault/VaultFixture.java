package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.rootchange.ExternalTrust;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.store.LocalDirectoryCaBundleStore;
import io.openservicemesh.testing.MutableClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Vault test server set up the way the demo script sets up a real one (a PKI mount "pki" with a root
 * "osm.root", the role "openservicemesh"), a token whose policy may issue with that role, and the pieces
 * of the Vault issuer wired against it with a test clock and no real waiting between retries.
 */
final class VaultFixture implements AutoCloseable {

  static final String ROLE = "openservicemesh";
  static final String MOUNT = "pki";
  /** The default of OpenServiceMesh.vault.caRefreshInterval. */
  static final Duration CA_REFRESH_INTERVAL = Duration.ofMinutes(10);
  static final String ISSUE_POLICY = "osm-issuer";
  /** Fixed jitter: waits land in the middle of their range. */
  static final double UNIFORM = 0.5;

  /** Shared by the code under test and the Vault test server; whole seconds, as Vault speaks seconds. */
  final MutableClock clock = MutableClock.atNowInWholeSeconds();
  final VaultTestServer server;
  final TestPkiMount pki;
  final RecordingSleeper sleeper = new RecordingSleeper();
  final Path temp;
  /** The CLI commands that set the server up, when it was set up that way. */
  VaultCommands setup;

  VaultFixture(Path temp) throws IOException {
    this.temp = temp;
    server = VaultTestServer.start(clock);
    pki = server.enablePki(MOUNT).tuneMaxLeaseTtl(Duration.ofHours(87_600))
        .generateRoot("osm.root", Duration.ofHours(87_600), clock.instant())
        .role(ROLE, TestPkiRole.mesh());
    server.policy(ISSUE_POLICY, MOUNT + "/issue/" + ROLE);
  }

  /** A Vault test server set up by the given {@code vault} CLI commands ({@link VaultCommands}) alone. */
  VaultFixture(Path temp, String commands, Map<String, String> variables) throws IOException {
    this.temp = temp;
    server = VaultTestServer.start(clock);
    setup = new VaultCommands(server, variables).run(commands, clock.instant());
    pki = server.pkiMount(MOUNT);
  }

  /** A renewable token that may issue: the given TTL, renewable up to the explicit max TTL. */
  String issuingToken(Duration ttl, Duration explicitMaxTtl) {
    return server.createToken(ttl, explicitMaxTtl, true, ISSUE_POLICY);
  }

  VaultClient client() {
    return client(RetryPolicy.DEFAULT, Duration.ofSeconds(5));
  }

  VaultClient client(RetryPolicy retries, Duration timeout) {
    return client(retries, timeout, VaultMeter.NONE);
  }

  VaultClient client(RetryPolicy retries, Duration timeout, VaultMeter meter) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    return new VaultClient(server.address(), http, timeout, new VaultRetrier(retries, () -> UNIFORM, sleeper), meter);
  }

  VaultTokenKeeper keeper(VaultClient client, VaultAuthentication authentication) {
    return new VaultTokenKeeper(client, authentication, clock, () -> UNIFORM);
  }

  VaultTokenKeeper staticKeeper(VaultClient client, String token) {
    return keeper(client, new StaticTokenAuthentication(client, new VaultToken(token)));
  }

  VaultTrust trust(VaultClient client) {
    return new VaultTrust(client, MOUNT, new LocalDirectoryCaBundleStore(temp.resolve("ca-bundle")), clock,
        CA_REFRESH_INTERVAL);
  }

  /** An issuer with a static token, started and with Vault's CA read. */
  VaultIssuer issuer(String token) throws Exception {
    return issuer(token, ROLE);
  }

  VaultIssuer issuer(String token, String role) throws Exception {
    VaultClient client = client();
    VaultTokenKeeper keeper = staticKeeper(client, token);
    keeper.start();
    VaultTrust trust = trust(client);
    trust.refresh();
    return issuer(client, keeper, trust, role, KeySpec.ECDSA_P256);
  }

  /** An issuer over Vault's roots as read, which the mesh trusts as they are (no root change under way). */
  VaultIssuer issuer(VaultClient client, VaultTokenKeeper keeper, VaultTrust trust, String role, KeySpec key) {
    return new VaultIssuer(client, keeper, trust, new ExternalTrust(trust.named()), MOUNT, role, key, clock);
  }

  @Override
  public void close() {
    server.close();
  }
}

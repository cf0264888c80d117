package io.openservicemesh.certificate.vault;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Vault server for tests, speaking the parts of Vault's HTTP API the control plane uses, as Vault
 * documents them: tokens in {@code X-Vault-Token} (or {@code Authorization: Bearer}), 403
 * {@code {"errors":["permission denied"]}} for a missing, unknown or expired token or a path its
 * policies do not grant, the PKI issue endpoint with role rules, {@code ca/pem} and {@code ca_chain}, the
 * mount's issuers ({@code LIST issuers}, {@code issuer/<ref>/json}; all unauthenticated), token {@code lookup-self} and {@code renew-self} with TTLs that really run out on
 * the injected clock, Kubernetes auth login, 503 {@code {"errors":["Vault is sealed"]}} while sealed, and
 * {@code {"errors":[...]}} bodies with the documented status codes for everything else.
 *
 * <p>Tests can also make it fail on purpose: seal it, answer the next requests with an error, stall
 * requests until released, or stop it.
 */
public final class VaultTestServer implements AutoCloseable {

  static {
    // The JDK's server writes headers and body separately; without TCP_NODELAY every exchange waits out
    // the client's delayed ACK (~40 ms). Read once, when the first server of the JVM starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PERMISSION_DENIED = "permission denied";

  /** A request as the server saw it; {@code token} is whether one was sent, never its value. */
  public record Request(String method, String path, boolean token, Map<String, Object> body) {}

  /** A token in the server's token store. */
  static final class TokenEntry {
    final String id;
    final String accessor = UUID.randomUUID().toString();
    final Set<String> policies;
    final Duration creationTtl;
    final Duration explicitMaxTtl;
    final boolean renewable;
    final Instant issued;
    final String path;
    final Map<String, String> meta;
    Instant expires; // null: never

    TokenEntry(String id, Set<String> policies, Duration ttl, Duration explicitMaxTtl, boolean renewable,
        Instant issued, String path, Map<String, String> meta) {
      this.id = id;
      this.policies = policies;
      this.creationTtl = ttl;
      this.explicitMaxTtl = explicitMaxTtl;
      this.renewable = renewable;
      this.issued = issued;
      this.path = path;
      this.meta = meta;
      this.expires = ttl.isZero() ? null : issued.plus(ttl);
    }

    Instant maxExpiry() {
      return explicitMaxTtl.isZero() ? null : issued.plus(explicitMaxTtl);
    }
  }

  /** A role of the Kubernetes auth method: which JWTs it accepts and the tokens it hands out. */
  public record KubernetesRole(Set<String> acceptedJwts, Set<String> policies, Duration tokenTtl,
      Duration tokenMaxTtl, String serviceAccount, String namespace) {}

  /** An injected answer: Vault's error body, or a raw body when {@code raw} is set. */
  private record Fault(String pathPrefix, int status, List<String> errors, String raw) {}

  private final Clock clock;
  private final HttpServer http;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "vault-test-server");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, TokenEntry> tokens = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> policyPaths = new ConcurrentHashMap<>();
  private final Map<String, TestPkiMount> pkiMounts = new ConcurrentHashMap<>();
  private final Map<String, Map<String, KubernetesRole>> kubernetesAuth = new ConcurrentHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Deque<Fault> faults = new ArrayDeque<>();
  private volatile boolean sealed;
  private volatile CountDownLatch stall;

  private VaultTestServer(Clock clock) throws IOException {
    this.clock = clock;
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    // Vault's built-in default policy lets every token look itself up and renew itself.
    policy("default", "auth/token/lookup-self", "auth/token/renew-self");
    http.start();
  }

  /** A started server on a free loopback port. */
  public static VaultTestServer start(Clock clock) throws IOException {
    return new VaultTestServer(clock);
  }

  public URI address() {
    return URI.create("http://127.0.0.1:" + port());
  }

  public int port() {
    return http.getAddress().getPort();
  }

  // ---- configuration, as an operator would do it with the vault CLI ----

  /** {@code vault secrets enable -path=<mount> pki}. */
  public TestPkiMount enablePki(String mount) {
    return pkiMounts.computeIfAbsent(mount, TestPkiMount::new);
  }

  /** The PKI mount at that path, or null when none is enabled there. */
  public TestPkiMount pkiMount(String mount) {
    return pkiMounts.get(mount);
  }

  /** {@code vault policy write <name>}, granting create/update/read on the given paths ('*' suffix globs). */
  public void policy(String name, String... paths) {
    policyPaths.put(name, Set.of(paths));
  }

  /** {@code vault token create -policy=... -ttl=... -explicit-max-ttl=... -renewable=...}; returns the token. */
  public String createToken(Duration ttl, Duration explicitMaxTtl, boolean renewable, String... policies) {
    Set<String> all = new java.util.LinkedHashSet<>(List.of(policies));
    all.add("default");
    return store(new TokenEntry(newTokenId(), all, ttl, explicitMaxTtl, renewable, clock.instant(),
        "auth/token/create", Map.of())).id;
  }

  /** A root token: no TTL, not renewable, every path allowed. */
  public String createRootToken() {
    return devRootToken(newTokenId());
  }

  /** {@code vault server -dev -dev-root-token-id=<id>}: the root token with the given id. */
  public String devRootToken(String id) {
    return store(new TokenEntry(id, Set.of("root"), Duration.ZERO, Duration.ZERO, false,
        clock.instant(), "auth/token/root", Map.of())).id;
  }

  /** {@code vault token revoke <token>}. */
  public void revoke(String token) {
    tokens.remove(token);
  }

  /** {@code vault auth enable -path=<mount> kubernetes} and {@code vault write auth/<mount>/role/<name> ...}. */
  public void kubernetesRole(String mount, String name, KubernetesRole role) {
    kubernetesAuth.computeIfAbsent(mount, m -> new ConcurrentHashMap<>()).put(name, role);
  }

  public void seal() {
    sealed = true;
  }

  public void unseal() {
    sealed = false;
  }

  /** The next {@code count} requests whose path starts with {@code pathPrefix} get this error. */
  public synchronized void failNext(String pathPrefix, int count, int status, String... errors) {
    for (int i = 0; i < count; i++) {
      faults.add(new Fault(pathPrefix, status, List.of(errors), null));
    }
  }

  /** The next request whose path starts with {@code pathPrefix} gets exactly this status and body. */
  public synchronized void respondNext(String pathPrefix, int status, String body) {
    faults.add(new Fault(pathPrefix, status, List.of(), body));
  }

  /** Forgets the errors {@link #failNext} and {@link #respondNext} queued and not yet answered. */
  public synchronized void clearFaults() {
    faults.clear();
  }

  /** Requests wait, without an answer, until the returned handle is closed. */
  public AutoCloseable stallRequests() {
    CountDownLatch latch = new CountDownLatch(1);
    stall = latch;
    return () -> {
      stall = null;
      latch.countDown();
    };
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public List<Request> requests(String method, String path) {
    return requests().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
  }

  /** The seconds of TTL Vault would report for the token now (0: expired or unknown). */
  public long remainingTtlSeconds(String token) {
    TokenEntry entry = live(token);
    if (entry == null || entry.expires == null) {
      return 0;
    }
    return Duration.between(clock.instant(), entry.expires).toSeconds();
  }

  /** The ids of the tokens a Kubernetes login handed out, in order. */
  public List<String> tokensFromLogins() {
    return tokens.values().stream().filter(t -> t.path.startsWith("auth/") && t.path.endsWith("/login"))
        .sorted(java.util.Comparator.comparing(t -> t.issued)).map(t -> t.id).toList();
  }

  @Override
  public void close() {
    CountDownLatch latch = stall;
    if (latch != null) {
      latch.countDown();
    }
    http.stop(0);
    executor.shutdownNow();
  }

  // ---- the HTTP API ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Map<String, Object> body = readBody(exchange);
      String token = token(exchange);
      String apiPath = path.startsWith("/v1/") ? path.substring(4) : path;
      requests.add(new Request(method, apiPath, token != null, body));
      CountDownLatch latch = stall;
      if (latch != null) {
        latch.await(30, TimeUnit.SECONDS);
      }
      if (!path.startsWith("/v1/")) {
        error(exchange, 404, List.of());
        return;
      }
      Fault fault = nextFault(apiPath);
      if (fault != null) {
        if (fault.raw() != null) {
          send(exchange, fault.status(), "application/json", fault.raw());
        } else {
          error(exchange, fault.status(), fault.errors());
        }
        return;
      }
      if (sealed) {
        error(exchange, 503, List.of("Vault is sealed"));
        return;
      }
      route(exchange, method, apiPath, token, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (JsonParseException e) {
      error(exchange, 400, List.of("failed to parse JSON input: " + e.getMessage()));
    }
  }

  private void route(HttpExchange exchange, String method, String path, String token, Map<String, Object> body)
      throws IOException {
    boolean write = method.equals("POST") || method.equals("PUT");
    if (path.equals("auth/token/lookup-self")) {
      if (!method.equals("GET")) {
        unsupported(exchange);
        return;
      }
      TokenEntry entry = authorize(exchange, token, path);
      if (entry != null) {
        json(exchange, 200, envelope(lookupData(entry), null, List.of()));
      }
      return;
    }
    if (path.equals("auth/token/renew-self")) {
      if (!write) {
        unsupported(exchange);
        return;
      }
      TokenEntry entry = authorize(exchange, token, path);
      if (entry != null) {
        renewSelf(exchange, entry);
      }
      return;
    }
    if (path.startsWith("auth/") && path.endsWith("/login")) {
      String mount = path.substring("auth/".length(), path.length() - "/login".length());
      if (!kubernetesAuth.containsKey(mount)) {
        error(exchange, 403, List.of(PERMISSION_DENIED)); // no auth method there: Vault answers as for any unknown path
        return;
      }
      if (!write) {
        unsupported(exchange);
        return;
      }
      kubernetesLogin(exchange, mount, body);
      return;
    }
    for (TestPkiMount mount : pkiMounts.values()) {
      String prefix = mount.path + "/";
      if (!path.startsWith(prefix)) {
        continue;
      }
      String rest = path.substring(prefix.length());
      if (rest.equals("ca/pem") || rest.equals("ca_chain")) {
        if (!method.equals("GET")) {
          unsupported(exchange);
          return;
        }
        if (!mount.hasCa()) {
          exchange.sendResponseHeaders(204, -1);
          return;
        }
        String pem = rest.equals("ca/pem") ? TestPkiMount.pem(mount.issuingCa())
            : mount.chain().stream().map(TestPkiMount::pem).collect(Collectors.joining());
        text(exchange, "application/pem-certificate-chain", pem);
        return;
      }
      if (rest.equals("issuers")) {
        listIssuers(exchange, method, mount);
        return;
      }
      if (rest.startsWith("issuer/") && rest.endsWith("/json")) {
        readIssuer(exchange, method, mount, rest.substring("issuer/".length(), rest.length() - "/json".length()));
        return;
      }
      if (rest.startsWith("issue/")) {
        if (!write) {
          unsupported(exchange);
          return;
        }
        TokenEntry entry = authorize(exchange, token, path);
        if (entry == null) {
          return;
        }
        try {
          TestPkiMount.Issued issued = mount.issue(rest.substring("issue/".length()), body, clock.instant());
          json(exchange, 200, envelope(issued.data(), null, issued.warnings()));
        } catch (TestPkiMount.Refusal refusal) {
          error(exchange, refusal.status, List.of(refusal.getMessage()));
        }
        return;
      }
    }
    // Unknown paths: Vault checks the token first, so an unauthenticated caller learns nothing.
    if (authorize(exchange, token, path) != null) {
      error(exchange, 404, List.of("1 error occurred:\n\t* unsupported path\n\n"));
    }
  }

  /** The live token allowed on the path; otherwise answers 403 and returns null. */
  private TokenEntry authorize(HttpExchange exchange, String token, String path) throws IOException {
    TokenEntry entry = token == null ? null : live(token);
    if (entry == null || !allows(entry, path)) {
      error(exchange, 403, List.of(PERMISSION_DENIED));
      return null;
    }
    return entry;
  }

  private TokenEntry live(String token) {
    TokenEntry entry = tokens.get(token);
    if (entry == null) {
      return null;
    }
    if (entry.expires != null && !clock.instant().isBefore(entry.expires)) {
      tokens.remove(token); // expired tokens are revoked
      return null;
    }
    return entry;
  }

  private boolean allows(TokenEntry entry, String path) {
    if (entry.policies.contains("root")) {
      return true;
    }
    for (String policy : entry.policies) {
      for (String granted : policyPaths.getOrDefault(policy, Set.of())) {
        if (granted.endsWith("*") ? path.startsWith(granted.substring(0, granted.length() - 1))
            : path.equals(granted)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code LIST /v1/<mount>/issuers}, also as {@code GET ...?list=true}; unauthenticated. An empty list is a 404
   * with no errors, as for any empty LIST in Vault.
   */
  private static void listIssuers(HttpExchange exchange, String method, TestPkiMount mount) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    boolean list = method.equals("LIST") || (method.equals("GET") && "list=true".equals(query));
    if (!list) {
      unsupported(exchange);
      return;
    }
    List<TestPkiMount.IssuerEntry> issuers = mount.issuers();
    if (issuers.isEmpty()) {
      error(exchange, 404, List.of());
      return;
    }
    Map<String, Object> keyInfo = new LinkedHashMap<>();
    issuers.forEach(issuer -> keyInfo.put(issuer.id(), Map.of("issuer_name", issuer.name())));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key_info", keyInfo);
    data.put("keys", issuers.stream().map(TestPkiMount.IssuerEntry::id).toList());
    json(exchange, 200, envelope(data, null, List.of()));
  }

  /** {@code GET /v1/<mount>/issuer/<ref>/json}: the issuer's certificate and its chain; unauthenticated. */
  private static void readIssuer(HttpExchange exchange, String method, TestPkiMount mount, String reference)
      throws IOException {
    if (!method.equals("GET")) {
      unsupported(exchange);
      return;
    }
    TestPkiMount.IssuerEntry issuer = mount.issuer(reference);
    if (issuer == null) {
      error(exchange, 500, List.of("unable to find PKI issuer for reference: " + reference));
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("ca_chain", issuer.chain().stream().map(c -> TestPkiMount.pem(c)).toList());
    data.put("certificate", TestPkiMount.pem(issuer.certificate()));
    data.put("issuer_id", issuer.id());
    data.put("issuer_name", issuer.name());
    data.put("revocation_time", 0);
    json(exchange, 200, envelope(data, null, List.of()));
  }

  private void renewSelf(HttpExchange exchange, TokenEntry entry) throws IOException {
    if (!entry.renewable || entry.expires == null) {
      error(exchange, 400, List.of("lease is not renewable"));
      return;
    }
    Instant now = clock.instant();
    Duration ttl = entry.creationTtl;
    List<String> warnings = new ArrayList<>();
    Instant max = entry.maxExpiry();
    if (max != null && now.plus(ttl).isAfter(max)) {
      Duration capped = Duration.between(now, max);
      warnings.add("TTL of \"" + io.openservicemesh.config.GoDuration.format(ttl) + "\" exceeded the effective"
          + " max_ttl of \"" + io.openservicemesh.config.GoDuration.format(capped)
          + "\"; TTL value is capped accordingly");
      ttl = capped;
    }
    entry.expires = now.plus(ttl);
    json(exchange, 200, envelope(null, auth(entry, ttl), warnings));
  }

  private void kubernetesLogin(HttpExchange exchange, String mount, Map<String, Object> body) throws IOException {
    Object roleName = body.get("role");
    Object jwt = body.get("jwt");
    if (roleName == null || roleName.toString().isEmpty()) {
      error(exchange, 400, List.of("missing role"));
      return;
    }
    if (jwt == null || jwt.toString().isEmpty()) {
      error(exchange, 400, List.of("missing jwt"));
      return;
    }
    KubernetesRole role = kubernetesAuth.get(mount).get(roleName.toString());
    if (role == null) {
      error(exchange, 400, List.of("invalid role name \"" + roleName + "\""));
      return;
    }
    if (!role.acceptedJwts().contains(jwt.toString())) {
      error(exchange, 403, List.of(PERMISSION_DENIED));
      return;
    }
    Set<String> policies = new java.util.LinkedHashSet<>(role.policies());
    policies.add("default");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("role", roleName.toString());
    meta.put("service_account_name", role.serviceAccount());
    meta.put("service_account_namespace", role.namespace());
    TokenEntry entry = store(new TokenEntry(newTokenId(), policies, role.tokenTtl(), role.tokenMaxTtl(), true,
        clock.instant(), "auth/" + mount + "/login", meta));
    json(exchange, 200, envelope(null, auth(entry, role.tokenTtl()), List.of()));
  }

  private Map<String, Object> lookupData(TokenEntry entry) {
    Instant now = clock.instant();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("accessor", entry.accessor);
    data.put("creation_time", entry.issued.getEpochSecond());
    data.put("creation_ttl", entry.creationTtl.toSeconds());
    data.put("display_name", entry.policies.contains("root") ? "root" : "token");
    data.put("entity_id", "");
    data.put("expire_time", entry.expires == null ? null : entry.expires.toString());
    data.put("explicit_max_ttl", entry.explicitMaxTtl.toSeconds());
    data.put("id", entry.id);
    data.put("issue_time", entry.issued.toString());
    data.put("meta", entry.meta.isEmpty() ? null : entry.meta);
    data.put("num_uses", 0);
    data.put("orphan", false);
    data.put("path", entry.path);
    data.put("policies", entry.policies.stream().sorted().toList());
    data.put("renewable", entry.renewable);
    data.put("ttl", entry.expires == null ? 0 : Duration.between(now, entry.expires).toSeconds());
    data.put("type", "service");
    return data;
  }

  private static Map<String, Object> auth(TokenEntry entry, Duration leaseDuration) {
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("client_token", entry.id);
    auth.put("accessor", entry.accessor);
    auth.put("policies", entry.policies.stream().sorted().toList());
    auth.put("token_policies", entry.policies.stream().sorted().toList());
    auth.put("metadata", entry.meta);
    auth.put("lease_duration", leaseDuration.toSeconds());
    auth.put("renewable", entry.renewable);
    auth.put("entity_id", "");
    auth.put("token_type", "service");
    auth.put("orphan", true);
    return auth;
  }

  private static Map<String, Object> envelope(Map<String, Object> data, Map<String, Object> auth,
      List<String> warnings) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("request_id", UUID.randomUUID().toString());
    body.put("lease_id", "");
    body.put("renewable", false);
    body.put("lease_duration", 0);
    body.put("data", data);
    body.put("wrap_info", null);
    body.put("warnings", warnings.isEmpty() ? null : warnings);
    body.put("auth", auth);
    return body;
  }

  private synchronized Fault nextFault(String path) {
    for (var it = faults.iterator(); it.hasNext(); ) {
      Fault fault = it.next();
      if (path.startsWith(fault.pathPrefix())) {
        it.remove();
        return fault;
      }
    }
    return null;
  }

  private TokenEntry store(TokenEntry entry) {
    tokens.put(entry.id, entry);
    return entry;
  }

  private static String newTokenId() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return "hvs." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String token(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("X-Vault-Token");
    if (header != null && !header.isEmpty()) {
      return header;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && authorization.startsWith("Bearer ")) {
      return authorization.substring("Bearer ".length());
    }
    return null;
  }

  private static Map<String, Object> readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (text.isBlank()) {
        return new HashMap<>();
      }
      Map<String, Object> body = GSON.fromJson(text, new TypeToken<Map<String, Object>>() {}.getType());
      return body == null ? new HashMap<>() : body;
    }
  }

  private static void unsupported(HttpExchange exchange) throws IOException {
    error(exchange, 405, List.of("1 error occurred:\n\t* unsupported operation\n\n"));
  }

  private static void error(HttpExchange exchange, int status, List<String> errors) throws IOException {
    json(exchange, status, Map.of("errors", errors));
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", GSON.toJson(body));
  }

  private static void text(HttpExchange exchange, String contentType, String body) throws IOException {
    send(exchange, 200, contentType, body);
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

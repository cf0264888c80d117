package io.openservicemesh.certificate.vault;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import io.openservicemesh.certificate.vault.VaultException.Kind;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The one class that speaks Vault's HTTP API: the PKI issue endpoint, the CA endpoints, token
 * lookup and renewal, and the Kubernetes auth login, each as its public documentation describes
 * it. Every request has a deadline covering connection, headers and body; failures become a
 * classified {@link VaultException} carrying Vault's {@code errors}, and retryable ones are tried
 * again with backoff.
 *
 * <p>Tokens travel only in the {@code X-Vault-Token} header, the service-account JWT only in the
 * login body; neither is ever logged, nor is any response body (they carry private keys).
 */
final class VaultClient {

  private static final int NOT_FOUND = 404;
  private static final Logger LOG = Logger.getLogger(VaultClient.class.getName());
  private static final String TOKEN_HEADER = "X-Vault-Token";
  private static final String SEALED = "Vault is sealed";
  private static final int MAX_ERROR_TEXT = 300;

  private final URI address;
  private final HttpClient http;
  private final Duration timeout;
  private final VaultRetrier retrier;
  private final VaultMeter meter;

  /**
   * @param address scheme, host and port, e.g. {@code https://vault.vault.svc:8200}
   */
  VaultClient(URI address, HttpClient http, Duration timeout, VaultRetrier retrier) {
    this(address, http, timeout, retrier, VaultMeter.NONE);
  }

  /** @param meter told of every failed exchange, by HTTP status or by what prevented an answer */
  VaultClient(URI address, HttpClient http, Duration timeout, VaultRetrier retrier, VaultMeter meter) {
    this.address = address;
    this.http = http;
    this.timeout = timeout;
    this.retrier = retrier;
    this.meter = meter;
  }

  URI address() {
    return address;
  }

  /** {@code POST /v1/<mount>/issue/<role>}: a new key and certificate, signed by the role's issuer. */
  IssueResponse issue(VaultToken token, String mount, String role, IssueRequest request)
      throws VaultException {
    String path = mount + "/issue/" + role;
    JsonObject answer = sendJson("POST", path, Optional.of(token), Optional.of(request.toJson()));
    return read("POST", path, () -> {
      JsonObject data = VaultJson.object(answer, "data");
      return new IssueResponse(
          VaultJson.string(data, "certificate"),
          VaultJson.string(data, "private_key"),
          VaultJson.optionalString(data, "private_key_type").orElse(""),
          VaultJson.string(data, "issuing_ca"),
          VaultJson.strings(data, "ca_chain"),
          VaultJson.optionalString(data, "serial_number").orElse(""),
          VaultJson.strings(answer, "warnings"));
    });
  }

  /** {@code GET /v1/<mount>/ca/pem}: the mount's (default issuer's) CA certificate; unauthenticated. */
  String caPem(String mount) throws VaultException {
    return sendText("GET", mount + "/ca/pem");
  }

  /** {@code GET /v1/<mount>/ca_chain}: the issuing CA and the CAs above it, PEM; unauthenticated. */
  String caChainPem(String mount) throws VaultException {
    return sendText("GET", mount + "/ca_chain");
  }

  /**
   * {@code LIST /v1/<mount>/issuers} (sent as {@code GET ?list=true}): the ids of the mount's issuers, Vault 1.11
   * and later; unauthenticated. Empty when the mount has none, or on an older Vault, which has no such path (404).
   */
  List<String> issuerIds(String mount) throws VaultException {
    String path = mount + "/issuers?list=true";
    JsonObject answer;
    try {
      answer = sendJson("GET", path, Optional.empty(), Optional.empty());
    } catch (VaultException e) {
      if (e.status() == NOT_FOUND) {
        return List.of();
      }
      throw e;
    }
    return read("GET", path, () -> VaultJson.strings(VaultJson.object(answer, "data"), "keys"));
  }

  /**
   * {@code GET /v1/<mount>/issuer/<ref>/json}: the issuer's certificate, then its {@code ca_chain}, each PEM;
   * unauthenticated.
   */
  List<String> issuerCertificates(String mount, String issuerRef) throws VaultException {
    String path = mount + "/issuer/" + issuerRef + "/json";
    JsonObject answer = sendJson("GET", path, Optional.empty(), Optional.empty());
    return read("GET", path, () -> {
      JsonObject data = VaultJson.object(answer, "data");
      List<String> certificates = new ArrayList<>();
      certificates.add(VaultJson.string(data, "certificate"));
      certificates.addAll(VaultJson.strings(data, "ca_chain"));
      return certificates;
    });
  }

  /** {@code GET /v1/auth/token/lookup-self}: the calling token's remaining TTL and renewability. */
  TokenGrant lookupSelf(VaultToken token) throws VaultException {
    String path = "auth/token/lookup-self";
    JsonObject answer = sendJson("GET", path, Optional.of(token), Optional.empty());
    return read("GET", path, () -> {
      JsonObject data = VaultJson.object(answer, "data");
      return new TokenGrant(
          token,
          Duration.ofSeconds(VaultJson.seconds(data, "ttl")),
          VaultJson.bool(data, "renewable"),
          VaultJson.strings(data, "policies"));
    });
  }

  /**
   * {@code POST /v1/auth/token/renew-self}: extends the calling token's lease by its original TTL,
   * as far as its max TTL allows.
   */
  TokenGrant renewSelf(VaultToken token) throws VaultException {
    String path = "auth/token/renew-self";
    JsonObject answer = sendJson("POST", path, Optional.of(token), Optional.of(new JsonObject()));
    return read("POST", path, () -> grant(answer, Optional.of(token)));
  }

  /**
   * {@code POST /v1/auth/<mount>/login} with {@code {role, jwt}}: a new token for the pod's service
   * account.
   */
  TokenGrant kubernetesLogin(String mount, String role, String jwt) throws VaultException {
    String path = "auth/" + mount + "/login";
    JsonObject body = new JsonObject();
    body.addProperty("role", role);
    body.addProperty("jwt", jwt);
    JsonObject answer = sendJson("POST", path, Optional.empty(), Optional.of(body));
    return read("POST", path, () -> grant(answer, Optional.empty()));
  }

  /** The {@code auth} block of a login or renewal; renewals may leave out the token they renewed. */
  private static TokenGrant grant(JsonObject answer, Optional<VaultToken> renewed) {
    JsonObject auth = VaultJson.object(answer, "auth");
    Optional<String> clientToken = VaultJson.optionalString(auth, "client_token").filter(t -> !t.isEmpty());
    VaultToken token = clientToken.map(VaultToken::new)
        .or(() -> renewed)
        .orElseThrow(() -> new JsonParseException("\"client_token\" should be a non-empty string but is missing"));
    return new TokenGrant(
        token,
        Duration.ofSeconds(VaultJson.seconds(auth, "lease_duration")),
        VaultJson.bool(auth, "renewable"),
        VaultJson.strings(auth, "policies"));
  }

  private JsonObject sendJson(String method, String path, Optional<VaultToken> token, Optional<JsonObject> body)
      throws VaultException {
    String operation = method + " /v1/" + path;
    return retrier.run(operation, () -> {
      HttpResponse<String> response = exchange(method, path, token, body.map(JsonObject::toString));
      if (response.statusCode() == 204 || response.body().isEmpty()) {
        return new JsonObject();
      }
      return read(method, path, () -> VaultJson.parseObject(response.body()));
    });
  }

  private String sendText(String method, String path) throws VaultException {
    String operation = method + " /v1/" + path;
    return retrier.run(operation, () -> exchange(method, path, Optional.empty(), Optional.empty()).body());
  }

  /** One HTTP exchange; a non-2xx answer becomes a classified failure. */
  private HttpResponse<String> exchange(
      String method, String path, Optional<VaultToken> token, Optional<String> body) throws VaultException {
    String operation = method + " /v1/" + path;
    HttpRequest.Builder request = HttpRequest.newBuilder(address.resolve("/v1/" + path))
        .timeout(timeout)
        .header("Accept", "application/json")
        .method(method, body.map(HttpRequest.BodyPublishers::ofString).orElse(HttpRequest.BodyPublishers.noBody()));
    body.ifPresent(b -> request.header("Content-Type", "application/json"));
    token.ifPresent(t -> request.header(TOKEN_HEADER, t.value()));
    long started = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = send(operation, request.build());
    } catch (VaultException e) {
      meterNoAnswer(e.kind());
      throw e;
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    int status = response.statusCode();
    LOG.fine(() -> "Vault " + operation + " -> " + status + " in " + millis + " ms");
    if (status >= 200 && status < 300) {
      return response;
    }
    meter.requestFailed(Integer.toString(status));
    throw failure(operation, status, response.body());
  }

  /** Interrupted exchanges are the control plane stopping, not Vault failing: not counted. */
  private void meterNoAnswer(Kind kind) {
    switch (kind) {
      case TIMEOUT -> meter.requestFailed("timeout");
      case TLS -> meter.requestFailed("tls");
      case UNREACHABLE -> meter.requestFailed("unreachable");
      default -> { }
    }
  }

  /**
   * The request's own timeout only covers waiting for the response headers; waiting on the whole
   * exchange bounds a Vault that stalls halfway through a body as well.
   */
  private HttpResponse<String> send(String operation, HttpRequest request) throws VaultException {
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    try {
      return exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw timedOut(operation, e);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new VaultException(operation + " was interrupted", Kind.INTERRUPTED);
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw transportFailure(operation, cause);
    }
  }

  private VaultException timedOut(String operation, Throwable cause) {
    return new VaultException(operation + " to " + address + " got no complete answer within "
        + timeout.toMillis() + " ms (OpenServiceMesh.vault.requestTimeout)", Kind.TIMEOUT, 0, List.of(), cause);
  }

  private VaultException transportFailure(String operation, Throwable cause) {
    if (cause instanceof HttpTimeoutException) {
      return timedOut(operation, cause);
    }
    if (isTls(cause)) {
      return new VaultException(operation + ": the TLS handshake with " + address + " failed (" + cause.getMessage()
          + "); if Vault's certificate comes from a private CA, point OpenServiceMesh.vault.caFile at that CA's PEM",
          Kind.TLS, 0, List.of(), cause);
    }
    String why = cause instanceof ConnectException ? "connection refused or unreachable" : String.valueOf(cause);
    return new VaultException(operation + ": cannot reach Vault at " + address + " (" + why + ")",
        Kind.UNREACHABLE, 0, List.of(), cause);
  }

  private static boolean isTls(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  /** A non-2xx answer, classified; Vault's {@code errors} array goes into the message. */
  private static VaultException failure(String operation, int status, String body) {
    List<String> errors = errorsOf(body);
    String said = errors.isEmpty() ? "no errors" : "errors " + errors;
    if (errors.isEmpty() && !body.isBlank() && !body.trim().startsWith("{")) {
      // Not Vault's JSON (a proxy's error page?): show its start, as text that cannot break a log line.
      said = "a non-JSON body starting \"" + printable(body) + "\"";
    }
    String message = operation + ": Vault answered " + status + " with " + said;
    Kind kind;
    if (status == 503 && errors.stream().anyMatch(e -> e.contains(SEALED))) {
      kind = Kind.SEALED;
      message += "; Vault must be unsealed (vault operator unseal) before it can issue";
    } else if (status == 403) {
      kind = Kind.PERMISSION_DENIED;
    } else if (status == 412 || status == 429) {
      kind = Kind.TRY_LATER;
    } else if (status >= 500) {
      kind = Kind.SERVER_ERROR;
    } else {
      kind = Kind.REJECTED;
    }
    return new VaultException(message, kind, status, errors, null);
  }

  /** Vault's documented error body, {@code {"errors": ["..."]}}; empty when the body is not that. */
  private static List<String> errorsOf(String body) {
    if (body.isBlank()) {
      return List.of();
    }
    try {
      return VaultJson.strings(VaultJson.parseObject(body), "errors");
    } catch (JsonParseException e) {
      return List.of();
    }
  }

  private static String printable(String text) {
    String start = text.length() > MAX_ERROR_TEXT ? text.substring(0, MAX_ERROR_TEXT) + "..." : text;
    return start.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
  }

  /** Turns a schema problem in a 2xx answer into a failure naming the request and the field. */
  private static <T> T read(String method, String path, JsonReading<T> reading) throws VaultException {
    try {
      return reading.read();
    } catch (JsonParseException | IllegalArgumentException e) {
      String operation = method + " /v1/" + path;
      LOG.log(Level.FINE, () -> "unexpected answer to " + operation + ": " + e.getMessage());
      throw new VaultException(operation + ": Vault's answer is not what its API documents: " + e.getMessage(),
          Kind.MALFORMED_RESPONSE, 200, List.of(), null);
    }
  }

  @FunctionalInterface
  private interface JsonReading<T> {
    T read();
  }
}

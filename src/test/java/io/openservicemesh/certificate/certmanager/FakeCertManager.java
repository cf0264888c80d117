package io.openservicemesh.certificate.certmanager;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.util.Watch;
import io.openservicemesh.config.GoDuration;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Plays cert-manager for the tests, following its documented API: its approver (condition {@code Approved} or
 * {@code Denied}) and its CA issuer (sign the CSR, then {@code status.certificate}, {@code status.ca} and
 * {@code Ready=True/Issued}; or {@code Ready=False/Failed} with {@code failureTime}), all written through the
 * status subresource of the real API server. It watches the requests of one namespace and answers each as
 * configured for the issuer it references, or leaves it for the test to answer by hand.
 */
final class FakeCertManager implements AutoCloseable {

  /** How cert-manager answers a request. */
  enum Answer { SIGN, DENY, FAIL, NONE }

  static final String DENIED_REASON = "policy.cert-manager.io";
  static final String DENIED_MESSAGE = "No policy approved this request";
  static final String FAILED_MESSAGE = "Error getting keypair for CA issuer: secret \"missing-ca\" not found";

  private static final String GROUP = "cert-manager.io";
  private static final String VERSION = "v1";
  private static final String REQUESTS = "certificaterequests";
  private static final Type WATCH_EVENT = new TypeToken<Watch.Response<JsonObject>>() {}.getType();

  private record Behaviour(Answer answer, SigningCa ca) {}

  private final ApiClient client;
  private final CustomObjectsApi api;
  private final String namespace;
  private final Map<String, Behaviour> byIssuer = new ConcurrentHashMap<>();
  private final List<JsonObject> seen = new CopyOnWriteArrayList<>();
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> answeredAtNanos = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final List<String> clusterIssuers = new CopyOnWriteArrayList<>();
  private final CountDownLatch watching = new CountDownLatch(1);
  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "fake-cert-manager");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean closed;
  private volatile Watch<JsonObject> watch;

  FakeCertManager(ApiClient client, String namespace) {
    this.client = client;
    this.api = new CustomObjectsApi(client);
    this.namespace = namespace;
  }

  /** Starts watching; returns once the first watch is open, so no request created afterwards is missed. */
  FakeCertManager start() throws InterruptedException {
    loop.submit(this::run);
    if (!watching.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the fake cert-manager could not start watching: " + failures);
    }
    return this;
  }

  /**
   * Creates an Issuer (in the namespace) or ClusterIssuer with the spec, reports it Ready as cert-manager's
   * issuer controller would, and answers its requests as told.
   */
  void createIssuer(String kind, String name, JsonObject spec, Answer answer, SigningCa ca) throws ApiException {
    JsonObject issuer = new JsonObject();
    issuer.addProperty("apiVersion", GROUP + "/" + VERSION);
    issuer.addProperty("kind", kind);
    JsonObject metadata = new JsonObject();
    metadata.addProperty("name", name);
    issuer.add("metadata", metadata);
    issuer.add("spec", spec);
    JsonObject created;
    if (kind.equals("ClusterIssuer")) {
      created = execute(api.createClusterCustomObject(GROUP, VERSION, "clusterissuers", issuer).buildCall(null));
      clusterIssuers.add(name);
    } else {
      created = execute(api.createNamespacedCustomObject(GROUP, VERSION, namespace, "issuers", issuer)
          .buildCall(null));
    }
    if (!spec.has("acme")) {
      created.add("status", status(List.of(condition("Ready", "True", "KeyPairVerified", "Signing CA verified"))));
      if (kind.equals("ClusterIssuer")) {
        execute(api.replaceClusterCustomObjectStatus(GROUP, VERSION, "clusterissuers", name, created)
            .buildCall(null));
      } else {
        execute(api.replaceNamespacedCustomObjectStatus(GROUP, VERSION, namespace, "issuers", name, created)
            .buildCall(null));
      }
    }
    byIssuer.put(kind + "/" + name, new Behaviour(answer, ca));
  }

  /** The spec of a CA issuer: {@code ca.secretName}. */
  static JsonObject caIssuerSpec() {
    JsonObject ca = new JsonObject();
    ca.addProperty("secretName", "osm-ca-root");
    JsonObject spec = new JsonObject();
    spec.add("ca", ca);
    return spec;
  }

  /**
   * The issuer signs with another CA from now on, as cert-manager's CA issuer does once an operator replaced the
   * Secret it names.
   */
  void signWith(String kind, String name, SigningCa ca) {
    byIssuer.computeIfPresent(kind + "/" + name, (key, old) -> new Behaviour(old.answer(), ca));
  }

  /** Answers a request by hand, e.g. after the test disturbed the issuer's watch. */
  void answer(String name, Answer answer, SigningCa ca) throws Exception {
    JsonObject current = execute(api.getNamespacedCustomObject(GROUP, VERSION, namespace, REQUESTS, name)
        .buildCall(null));
    apply(current, new Behaviour(answer, ca));
  }

  /** Every request seen, as first seen. */
  List<JsonObject> seen() {
    return List.copyOf(seen);
  }

  Optional<JsonObject> seen(String name) {
    return seen.stream().filter(r -> name.equals(r.getAsJsonObject("metadata").get("name").getAsString()))
        .findFirst();
  }

  /** When the answer that decides the request's fate was written ({@link System#nanoTime()}). */
  Optional<Long> answeredAtNanos(String name) {
    return Optional.ofNullable(answeredAtNanos.get(name));
  }

  /** Requests the fake found invalid, or errors of its own; a test asserts there are none. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  @Override
  public void close() {
    closed = true;
    Watch<JsonObject> open = watch;
    if (open != null) {
      try {
        open.close();
      } catch (Exception ignored) {
        // Closing a broken watch may throw; it is closed either way.
      }
    }
    loop.shutdownNow();
    for (String name : clusterIssuers) {
      try {
        api.deleteClusterCustomObject(GROUP, VERSION, "clusterissuers", name).execute();
      } catch (ApiException ignored) {
        // Cluster-scoped leftovers are harmless to other tests: their names are unique.
      }
    }
  }

  private void run() {
    while (!closed) {
      try {
        JsonObject list = execute(api.listNamespacedCustomObject(GROUP, VERSION, namespace, REQUESTS)
            .buildCall(null));
        String resourceVersion = list.getAsJsonObject("metadata").get("resourceVersion").getAsString();
        for (JsonElement item : list.getAsJsonArray("items")) {
          handle(item.getAsJsonObject());
        }
        while (!closed) {
          okhttp3.Call call = api.listNamespacedCustomObject(GROUP, VERSION, namespace, REQUESTS)
              .resourceVersion(resourceVersion).timeoutSeconds(60).watch(true).buildCall(null);
          try (Watch<JsonObject> events = Watch.createWatch(client, call, WATCH_EVENT)) {
            watch = events;
            watching.countDown();
            for (Watch.Response<JsonObject> event : events) {
              if ("ERROR".equals(event.type)) {
                throw new IllegalStateException("watch error " + event.status);
              }
              resourceVersion = event.object.getAsJsonObject("metadata").get("resourceVersion").getAsString();
              if ("ADDED".equals(event.type) || "MODIFIED".equals(event.type)) {
                handle(event.object);
              }
            }
          }
        }
      } catch (Exception e) {
        if (!closed) {
          // Start over with a fresh list: a watch error or a dropped connection.
          pauseAfterError();
        }
      }
    }
  }

  private static void pauseAfterError() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(JsonObject request) {
    String name = request.getAsJsonObject("metadata").get("name").getAsString();
    if (!handled.add(name)) {
      return;
    }
    seen.add(request.deepCopy());
    JsonObject issuerRef = request.getAsJsonObject("spec").getAsJsonObject("issuerRef");
    String kind = issuerRef.has("kind") ? issuerRef.get("kind").getAsString() : "Issuer";
    Behaviour behaviour = byIssuer.get(kind + "/" + issuerRef.get("name").getAsString());
    if (behaviour == null || behaviour.answer() == Answer.NONE) {
      return;
    }
    try {
      apply(request, behaviour);
    } catch (Exception e) {
      failures.add(name + ": " + e);
    }
  }

  private void apply(JsonObject request, Behaviour behaviour) throws Exception {
    String name = request.getAsJsonObject("metadata").get("name").getAsString();
    JsonObject approved = condition("Approved", "True", "cert-manager.io",
        "Certificate request has been approved by cert-manager.io");
    switch (behaviour.answer()) {
      case SIGN -> {
        JsonObject afterApproval = writeStatus(request, status(List.of(approved)));
        JsonObject status = status(List.of(approved,
            condition("Ready", "True", "Issued", "Certificate fetched from issuer successfully")));
        SigningCa ca = behaviour.ca();
        X509Certificate leaf = sign(request, ca);
        status.addProperty("certificate", base64(pem(ca.chainFor(leaf))));
        status.addProperty("ca", base64(pem(List.of(ca.root()))));
        writeStatus(afterApproval, status);
        answeredAtNanos.put(name, System.nanoTime());
      }
      case DENY -> {
        JsonObject denied = condition("Denied", "True", DENIED_REASON, DENIED_MESSAGE);
        JsonObject afterDenial = writeStatus(request, status(List.of(denied)));
        answeredAtNanos.put(name, System.nanoTime());
        JsonObject status = status(List.of(denied,
            condition("Ready", "False", "Denied", "The CertificateRequest was denied by an approval controller")));
        status.addProperty("failureTime", now());
        writeStatusUnlessGone(afterDenial, status);
      }
      case FAIL -> {
        JsonObject afterApproval = writeStatus(request, status(List.of(approved)));
        JsonObject status = status(List.of(approved, condition("Ready", "False", "Failed", FAILED_MESSAGE)));
        status.addProperty("failureTime", now());
        writeStatus(afterApproval, status);
        answeredAtNanos.put(name, System.nanoTime());
      }
      case NONE -> { }
      default -> throw new IllegalArgumentException("unknown answer " + behaviour.answer());
    }
  }

  /** Signs as cert-manager's CA issuer does: subject and SANs from the CSR, usages and duration from the spec. */
  private X509Certificate sign(JsonObject request, SigningCa ca) throws Exception {
    JsonObject spec = request.getAsJsonObject("spec");
    String csrPem = new String(Base64.getDecoder().decode(spec.get("request").getAsString()), StandardCharsets.UTF_8);
    PKCS10CertificationRequest csr;
    try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
      csr = (PKCS10CertificationRequest) parser.readObject();
    }
    if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(SigningCa.BC)
        .build(csr.getSubjectPublicKeyInfo()))) {
      throw new IllegalArgumentException("the CSR's signature does not verify");
    }
    Extensions requested = extensionRequest(csr);
    List<String> usages = new ArrayList<>();
    spec.getAsJsonArray("usages").forEach(u -> usages.add(u.getAsString()));
    KeyUsage keyUsage = keyUsage(usages);
    ExtendedKeyUsage extendedKeyUsage = extendedKeyUsage(usages);
    checkCsrMatchesUsages(requested, keyUsage, extendedKeyUsage);
    Duration validity = spec.has("duration") ? GoDuration.parse(spec.get("duration").getAsString())
        : Duration.ofDays(90);
    PublicKey publicKey = new JcaPKCS10CertificationRequest(csr).setProvider(SigningCa.BC).getPublicKey();
    return ca.sign(csr.getSubject(), publicKey, requested, keyUsage,
        new Extension(Extension.extendedKeyUsage, false, extendedKeyUsage.getEncoded()), validity);
  }

  /** cert-manager's rule: a CSR's KeyUsage and ExtKeyUsage, when present, equal spec.usages. */
  private static void checkCsrMatchesUsages(Extensions requested, KeyUsage keyUsage, ExtendedKeyUsage extended) {
    if (requested == null) {
      return;
    }
    KeyUsage csrKeyUsage = KeyUsage.fromExtensions(requested);
    if (csrKeyUsage != null && !csrKeyUsage.equals(keyUsage)) {
      throw new IllegalArgumentException("the CSR's key usages differ from spec.usages");
    }
    ExtendedKeyUsage csrExtended = ExtendedKeyUsage.fromExtensions(requested);
    if (csrExtended != null && !csrExtended.equals(extended)) {
      throw new IllegalArgumentException("the CSR's extended key usages differ from spec.usages");
    }
  }

  private static Extensions extensionRequest(PKCS10CertificationRequest csr) {
    for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      ASN1Encodable[] values = attribute.getAttributeValues();
      if (values.length > 0) {
        return Extensions.getInstance(values[0]);
      }
    }
    return null;
  }

  private static KeyUsage keyUsage(List<String> usages) {
    int bits = 0;
    for (String usage : usages) {
      bits |= switch (usage) {
        case "digital signature" -> KeyUsage.digitalSignature;
        case "key encipherment" -> KeyUsage.keyEncipherment;
        case "server auth", "client auth" -> 0;
        default -> throw new IllegalArgumentException("usage not handled by the fake: " + usage);
      };
    }
    return new KeyUsage(bits);
  }

  private static ExtendedKeyUsage extendedKeyUsage(List<String> usages) {
    List<KeyPurposeId> purposes = new ArrayList<>();
    if (usages.contains("server auth")) {
      purposes.add(KeyPurposeId.id_kp_serverAuth);
    }
    if (usages.contains("client auth")) {
      purposes.add(KeyPurposeId.id_kp_clientAuth);
    }
    return new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new));
  }

  private JsonObject writeStatus(JsonObject current, JsonObject status) throws ApiException {
    JsonObject updated = current.deepCopy();
    updated.add("status", status);
    String name = current.getAsJsonObject("metadata").get("name").getAsString();
    return execute(api.replaceNamespacedCustomObjectStatus(GROUP, VERSION, namespace, REQUESTS, name, updated)
        .buildCall(null));
  }

  /** The mesh may delete a request as soon as it sees the decisive condition: a follow-up write then finds none. */
  private void writeStatusUnlessGone(JsonObject current, JsonObject status) throws ApiException {
    try {
      writeStatus(current, status);
    } catch (ApiException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static JsonObject status(List<JsonObject> conditions) {
    JsonArray array = new JsonArray();
    conditions.forEach(array::add);
    JsonObject status = new JsonObject();
    status.add("conditions", array);
    return status;
  }

  private static JsonObject condition(String type, String status, String reason, String message) {
    JsonObject condition = new JsonObject();
    condition.addProperty("type", type);
    condition.addProperty("status", status);
    condition.addProperty("reason", reason);
    condition.addProperty("message", message);
    condition.addProperty("lastTransitionTime", now());
    return condition;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private JsonObject execute(okhttp3.Call call) throws ApiException {
    return client.<JsonObject>execute(call, JsonObject.class).getData();
  }

  static String pem(List<X509Certificate> certificates) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    }
    return text.toString();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}

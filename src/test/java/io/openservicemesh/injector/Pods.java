package io.openservicemesh.injector;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.testing.TestCa;
import jakarta.json.Json;
import jakarta.json.JsonPatch;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Pod fixtures, settings and a control plane with a real CA for the injector's tests. */
final class Pods {

  private Pods() {}

  /** A minimal pod: one container, nothing else. */
  static JsonObject minimal() {
    return json("""
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"generateName": "bookstore-", "namespace": "bookstore"},
         "spec": {"serviceAccountName": "bookstore-v1",
                  "containers": [{"name": "app", "image": "bookstore:v1"}]}}""");
  }

  /** A pod that already has labels, annotations, volumes and an init container of its own. */
  static JsonObject full() {
    return json("""
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "bookbuyer", "namespace": "bookbuyer",
                      "labels": {"app": "bookbuyer", "app.kubernetes.io/part-of": "demo"},
                      "annotations": {"prometheus.io/scrape": "false", "team/owner": "books~shop"}},
         "spec": {"containers": [{"name": "app", "image": "bookbuyer:v1"}, {"name": "log", "image": "tail"}],
                  "initContainers": [{"name": "migrate", "image": "flyway"}],
                  "volumes": [{"name": "data", "emptyDir": {}}]}}""");
  }

  static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }

  static MeshSettings settings(Map<String, String> values) {
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key))).orElseThrow();
  }

  static MeshSettings settings() {
    return settings(Map.of());
  }

  /** What the injector is given by a ready control plane: its settings and certificates of the Tresor test root. */
  record Mesh(MeshSettings settings, MeshCertificateSpecs specs, CertificateCache cache) {

    /** Issues without keeping, as the running control plane does. */
    BootstrapCertificates bootstrapCertificates() {
      return proxy -> {
        try {
          return cache.getOrIssue(specs.xdsBootstrap(proxy));
        } finally {
          cache.release(proxy.commonName());
        }
      };
    }
  }

  /** A ready control plane issuing keys of the given type from the shared Tresor test root, on the real clock. */
  static Mesh mesh(MeshSettings settings, KeySpec key) {
    CertificateCache cache = new CertificateCache(TestCa.issuer(), Clock.systemUTC());
    MeshCertificateSpecs specs =
        new MeshCertificateSpecs(settings.trustDomain(), settings.osmNamespace(), Duration.ofHours(24), key);
    return new Mesh(settings, specs, cache);
  }

  /** Applies a JSON patch with Jakarta JSON Processing's RFC 6902 implementation, not with our own code. */
  static JsonObject apply(JsonArray patch, JsonObject pod) {
    JsonPatch jsonPatch = Json.createPatch(Json.createReader(new StringReader(patch.toString())).readArray());
    JsonStructure target = Json.createReader(new StringReader(pod.toString())).read();
    return JsonParser.parseString(jsonPatch.apply(target).toString()).getAsJsonObject();
  }
}

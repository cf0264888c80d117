package io.openservicemesh.certificate.certmanager;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Installs cert-manager's CRDs (CertificateRequest, Issuer, ClusterIssuer; YAML in src/test/resources/cert-manager)
 * into the test API server: each YAML document is converted to JSON and POSTed as it is, not rebuilt through the
 * client's model classes, which add fields older API servers refuse. Idempotent: a CRD already there is kept.
 */
final class CertManagerCrds {

  static final List<String> FILES = List.of(
      "certificaterequests.cert-manager.io.yaml", "issuers.cert-manager.io.yaml",
      "clusterissuers.cert-manager.io.yaml");
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  private CertManagerCrds() {}

  static void install(ApiClient client) throws ApiException, InterruptedException {
    List<String> names = new ArrayList<>();
    for (String file : FILES) {
      Map<String, Object> crd = load(file);
      names.add((String) ((Map<?, ?>) crd.get("metadata")).get("name"));
      try {
        call(client, "POST", CRDS, crd);
      } catch (ApiException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    for (String name : names) {
      awaitEstablished(client, name, Duration.ofSeconds(30));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load(String file) {
    try (InputStream in = CertManagerCrds.class.getResourceAsStream("/cert-manager/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource cert-manager/" + file);
      }
      return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API server reports Established once it serves the new resource; creating objects before that fails. */
  private static void awaitEstablished(ApiClient client, String name, Duration limit)
      throws ApiException, InterruptedException {
    Instant giveUp = Instant.now().plus(limit);
    while (true) {
      JsonObject crd = call(client, "GET", CRDS + "/" + name, null);
      JsonObject status = crd.getAsJsonObject("status");
      JsonArray conditions = status == null ? null : status.getAsJsonArray("conditions");
      if (conditions != null) {
        for (JsonElement condition : conditions) {
          JsonObject c = condition.getAsJsonObject();
          if ("Established".equals(c.get("type").getAsString()) && "True".equals(c.get("status").getAsString())) {
            return;
          }
        }
      }
      if (Instant.now().isAfter(giveUp)) {
        throw new IllegalStateException("CRD " + name + " not Established within " + limit + ": " + status);
      }
      Thread.sleep(100);
    }
  }

  private static JsonObject call(ApiClient client, String method, String path, Object body) throws ApiException {
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    okhttp3.Call call = client.buildCall(client.getBasePath(), path, method, new ArrayList<Pair>(),
        new ArrayList<Pair>(), body, headers, new HashMap<>(), new HashMap<>(), new String[] {"BearerToken"}, null);
    return client.<JsonObject>execute(call, JsonObject.class).getData();
  }
}

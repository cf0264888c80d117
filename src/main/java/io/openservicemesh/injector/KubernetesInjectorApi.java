package io.openservicemesh.injector;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.util.Map;

/** The injector's two uses of the Kubernetes API: namespaces (labels, annotations) and bootstrap Secrets. */
final class KubernetesInjectorApi implements BootstrapSecretStore, NamespaceCache.Source {

  private final CoreV1Api core;

  KubernetesInjectorApi(CoreV1Api core) {
    this.core = core;
  }

  @Override
  public NamespaceFacts read(String namespace) throws InjectionException {
    try {
      V1Namespace found = core.readNamespace(namespace).execute();
      if (found.getMetadata() == null) {
        return NamespaceFacts.ABSENT;
      }
      return new NamespaceFacts(orEmpty(found.getMetadata().getLabels()), orEmpty(found.getMetadata().getAnnotations()));
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return NamespaceFacts.ABSENT;
      }
      throw new InjectionException("cannot read namespace " + namespace + " (its " + NamespaceFacts.MONITORED_BY
          + " label and " + InjectionAnnotation.NAME + " annotation): " + describe(e));
    }
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  @Override
  public void create(String namespace, String name, Map<String, String> labels, Map<String, byte[]> data)
      throws InjectionException {
    V1Secret secret = new V1Secret()
        .metadata(new V1ObjectMeta().name(name).namespace(namespace).labels(labels))
        .type("Opaque")
        .data(data);
    try {
      core.createNamespacedSecret(namespace, secret).execute();
    } catch (ApiException e) {
      throw new InjectionException("cannot create Secret " + namespace + "/" + name + ": " + describe(e),
          e.getCode() == 409);
    }
  }

  /**
   * The API server's own explanation (the message of its Status object) with the HTTP code; for a connection
   * failure, the client's message. Never the request, which would hold the key.
   */
  static String describe(ApiException e) {
    if (e.getCode() == 0) {
      return "the Kubernetes API cannot be reached (" + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()) + ")";
    }
    String message = null;
    try {
      JsonElement status = JsonParser.parseString(e.getResponseBody() == null ? "" : e.getResponseBody());
      if (status.isJsonObject() && status.getAsJsonObject().has("message")) {
        message = status.getAsJsonObject().get("message").getAsString();
      }
    } catch (RuntimeException notAStatus) {
      // A proxy's HTML error page, say: the code alone must do.
    }
    return "HTTP " + e.getCode() + (message == null ? "" : " " + message);
  }
}

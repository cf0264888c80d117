package io.openservicemesh.webhook;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/** {@link WebhookConfigurationClient}s over the Kubernetes API, for both kinds of webhook configuration. */
public final class KubernetesWebhookConfigurations {

  private KubernetesWebhookConfigurations() {}

  /** @param template the configuration to create when absent, from its name and the roots PEM */
  public static WebhookConfigurationClient mutating(
      ApiClient client, BiFunction<String, String, V1MutatingWebhookConfiguration> template) {
    AdmissionregistrationV1Api api = new AdmissionregistrationV1Api(client);
    return new WebhookConfigurationClient() {
      @Override
      public Optional<List<CaBundlePatch.Webhook>> read(String name) throws WebhookApiException {
        try {
          V1MutatingWebhookConfiguration found = api.readMutatingWebhookConfiguration(name).execute();
          return Optional.of(found.getWebhooks() == null ? List.<CaBundlePatch.Webhook>of()
              : found.getWebhooks().stream().map(w -> webhook(w.getName(), w.getClientConfig())).toList());
        } catch (ApiException e) {
          if (e.getCode() == 404) {
            return Optional.empty();
          }
          throw failure("read", kind(), name, e);
        }
      }

      @Override
      public void create(String name, String rootsPem) throws WebhookApiException {
        try {
          api.createMutatingWebhookConfiguration(template.apply(name, rootsPem)).execute();
        } catch (ApiException e) {
          throw failure("create", kind(), name, e);
        }
      }

      @Override
      public void patch(String name, String jsonPatch) throws WebhookApiException {
        try {
          PatchUtils.patch(V1MutatingWebhookConfiguration.class,
              () -> api.patchMutatingWebhookConfiguration(name, new V1Patch(jsonPatch)).buildCall(null),
              V1Patch.PATCH_FORMAT_JSON_PATCH, client);
        } catch (ApiException e) {
          throw failure("patch", kind(), name, e);
        }
      }

      @Override
      public String kind() {
        return "MutatingWebhookConfiguration";
      }
    };
  }

  public static WebhookConfigurationClient validating(
      ApiClient client, BiFunction<String, String, V1ValidatingWebhookConfiguration> template) {
    AdmissionregistrationV1Api api = new AdmissionregistrationV1Api(client);
    return new WebhookConfigurationClient() {
      @Override
      public Optional<List<CaBundlePatch.Webhook>> read(String name) throws WebhookApiException {
        try {
          V1ValidatingWebhookConfiguration found = api.readValidatingWebhookConfiguration(name).execute();
          return Optional.of(found.getWebhooks() == null ? List.<CaBundlePatch.Webhook>of()
              : found.getWebhooks().stream().map(w -> webhook(w.getName(), w.getClientConfig())).toList());
        } catch (ApiException e) {
          if (e.getCode() == 404) {
            return Optional.empty();
          }
          throw failure("read", kind(), name, e);
        }
      }

      @Override
      public void create(String name, String rootsPem) throws WebhookApiException {
        try {
          api.createValidatingWebhookConfiguration(template.apply(name, rootsPem)).execute();
        } catch (ApiException e) {
          throw failure("create", kind(), name, e);
        }
      }

      @Override
      public void patch(String name, String jsonPatch) throws WebhookApiException {
        try {
          PatchUtils.patch(V1ValidatingWebhookConfiguration.class,
              () -> api.patchValidatingWebhookConfiguration(name, new V1Patch(jsonPatch)).buildCall(null),
              V1Patch.PATCH_FORMAT_JSON_PATCH, client);
        } catch (ApiException e) {
          throw failure("patch", kind(), name, e);
        }
      }

      @Override
      public String kind() {
        return "ValidatingWebhookConfiguration";
      }
    };
  }

  private static CaBundlePatch.Webhook webhook(String name, AdmissionregistrationV1WebhookClientConfig clientConfig) {
    return new CaBundlePatch.Webhook(name, clientConfig == null ? null : clientConfig.getCaBundle());
  }

  private static WebhookApiException failure(String verb, String kind, String name, ApiException e) {
    String detail;
    if (e.getCode() == 0) {
      detail = "the Kubernetes API cannot be reached (" + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()) + ")";
    } else {
      detail = "HTTP " + e.getCode() + statusMessage(e.getResponseBody());
    }
    return new WebhookApiException(e.getCode(), "cannot " + verb + " " + kind + " " + name + ": " + detail);
  }

  private static String statusMessage(String body) {
    try {
      JsonElement status = JsonParser.parseString(body == null ? "" : body);
      if (status.isJsonObject() && status.getAsJsonObject().has("message")) {
        return " " + status.getAsJsonObject().get("message").getAsString();
      }
    } catch (RuntimeException notAStatus) {
      // the code alone must do
    }
    return "";
  }
}

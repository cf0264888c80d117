package io.openservicemesh.webhook;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.openservicemesh.k8s.ApiFailures;
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
    return new ApiClientOf<>("MutatingWebhookConfiguration", V1MutatingWebhookConfiguration.class, client,
        name -> webhooks(api.readMutatingWebhookConfiguration(name).execute().getWebhooks(),
            w -> webhook(w.getName(), w.getClientConfig())),
        (name, roots) -> api.createMutatingWebhookConfiguration(template.apply(name, roots)).execute(),
        (name, patch) -> api.patchMutatingWebhookConfiguration(name, patch).buildCall(null));
  }

  /** @param template the configuration to create when absent, from its name and the roots PEM */
  public static WebhookConfigurationClient validating(
      ApiClient client, BiFunction<String, String, V1ValidatingWebhookConfiguration> template) {
    AdmissionregistrationV1Api api = new AdmissionregistrationV1Api(client);
    return new ApiClientOf<>("ValidatingWebhookConfiguration", V1ValidatingWebhookConfiguration.class, client,
        name -> webhooks(api.readValidatingWebhookConfiguration(name).execute().getWebhooks(),
            w -> webhook(w.getName(), w.getClientConfig())),
        (name, roots) -> api.createValidatingWebhookConfiguration(template.apply(name, roots)).execute(),
        (name, patch) -> api.patchValidatingWebhookConfiguration(name, patch).buildCall(null));
  }

  /** A Kubernetes API call that may fail with the API's own exception. */
  @FunctionalInterface
  private interface ApiCall<A, B, R> {
    R call(A a, B b) throws ApiException;
  }

  /** The two configuration kinds differ only in their API methods: one client over either. */
  private static final class ApiClientOf<T> implements WebhookConfigurationClient {
    private final String kind;
    private final Class<T> type;
    private final ApiClient client;
    private final Reader reader;
    private final ApiCall<String, String, ?> creator;
    private final ApiCall<String, V1Patch, okhttp3.Call> patcher;

    ApiClientOf(String kind, Class<T> type, ApiClient client, Reader reader, ApiCall<String, String, ?> creator,
        ApiCall<String, V1Patch, okhttp3.Call> patcher) {
      this.kind = kind;
      this.type = type;
      this.client = client;
      this.reader = reader;
      this.creator = creator;
      this.patcher = patcher;
    }

    @Override
    public Optional<List<CaBundlePatch.Webhook>> read(String name) throws WebhookApiException {
      try {
        return Optional.of(reader.read(name));
      } catch (ApiException e) {
        if (e.getCode() == 404) {
          return Optional.empty();
        }
        throw failure("read", kind, name, e);
      }
    }

    @Override
    public void create(String name, String rootsPem) throws WebhookApiException {
      try {
        creator.call(name, rootsPem);
      } catch (ApiException e) {
        throw failure("create", kind, name, e);
      }
    }

    @Override
    public void patch(String name, String jsonPatch) throws WebhookApiException {
      try {
        PatchUtils.patch(type, () -> patcher.call(name, new V1Patch(jsonPatch)), V1Patch.PATCH_FORMAT_JSON_PATCH,
            client);
      } catch (ApiException e) {
        throw failure("patch", kind, name, e);
      }
    }

    @Override
    public String kind() {
      return kind;
    }
  }

  /** Reads a configuration's webhooks by name. */
  @FunctionalInterface
  private interface Reader {
    List<CaBundlePatch.Webhook> read(String name) throws ApiException;
  }

  private static <W> List<CaBundlePatch.Webhook> webhooks(
      List<W> webhooks, java.util.function.Function<W, CaBundlePatch.Webhook> toWebhook) {
    return webhooks == null ? List.of() : webhooks.stream().map(toWebhook).toList();
  }

  private static CaBundlePatch.Webhook webhook(String name, AdmissionregistrationV1WebhookClientConfig clientConfig) {
    return new CaBundlePatch.Webhook(name, clientConfig == null ? null : clientConfig.getCaBundle());
  }

  private static WebhookApiException failure(String verb, String kind, String name, ApiException e) {
    return new WebhookApiException(e.getCode(), "cannot " + verb + " " + kind + " " + name + ": "
        + ApiFailures.describe(e));
  }
}

package io.openservicemesh.certificate.certmanager;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1Preconditions;
import io.kubernetes.client.util.Watch;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;

/**
 * CertificateRequests in one namespace over the Kubernetes API: create, read, watch, delete. Every call carries
 * its own time limit (OkHttp's call timeout), because the shared API client has no read timeout (watches need
 * none) and an issuance must never outlive its deadline waiting on a hung connection. JSON only: the protobuf
 * wire format is never requested.
 *
 * <p>Uses {@link CustomObjectsApi} for the requests and the client's own JSON for the typed
 * {@link CertificateRequestResource}: it exposes each OkHttp call, which is what the per-call limits need
 * (the generic API classes build and run their calls internally).
 */
final class CertificateRequestClient {

  private static final Type RESOURCE = CertificateRequestResource.class;
  private static final Type WATCH_EVENT =
      new TypeToken<Watch.Response<CertificateRequestResource>>() {}.getType();
  private static final Type LIST = ResourceList.class;

  /** The list form, for the start-up sweep. */
  record ResourceList(V1ListMeta metadata, List<CertificateRequestResource> items) {}

  private final ApiClient client;
  private final CustomObjectsApi api;
  private final String namespace;

  CertificateRequestClient(ApiClient client, String namespace) {
    this.client = client;
    this.api = new CustomObjectsApi(client);
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  CertificateRequestResource create(CertificateRequestResource request, Duration limit) throws ApiException {
    Call call = api.createNamespacedCustomObject(
            CertificateRequestResource.GROUP, CertificateRequestResource.VERSION, namespace,
            CertificateRequestResource.PLURAL, request)
        .buildCall(null);
    return execute(call, limit, RESOURCE);
  }

  CertificateRequestResource get(String name, Duration limit) throws ApiException {
    Call call = api.getNamespacedCustomObject(
            CertificateRequestResource.GROUP, CertificateRequestResource.VERSION, namespace,
            CertificateRequestResource.PLURAL, name)
        .buildCall(null);
    return execute(call, limit, RESOURCE);
  }

  /**
   * Watches one request by name from {@code resourceVersion}. The server ends the watch after {@code window};
   * the client cancels it when {@code limit} passes, whichever comes first.
   */
  Watch<CertificateRequestResource> watch(String name, String resourceVersion, Duration window, Duration limit)
      throws ApiException {
    Call call = api.listNamespacedCustomObject(
            CertificateRequestResource.GROUP, CertificateRequestResource.VERSION, namespace,
            CertificateRequestResource.PLURAL)
        .fieldSelector("metadata.name=" + name)
        .resourceVersion(resourceVersion)
        .allowWatchBookmarks(true)
        .timeoutSeconds((int) Math.max(1, Math.min(window.toSeconds(), Integer.MAX_VALUE)))
        .watch(true)
        .buildCall(null);
    limit(call, limit);
    return Watch.createWatch(client, call, WATCH_EVENT);
  }

  /** Deletes every request carrying the label {@code key=value}; returns normally when there were none. */
  void deleteLabelled(String key, String value, Duration limit) throws ApiException {
    Call call = api.deleteCollectionNamespacedCustomObject(
            CertificateRequestResource.GROUP, CertificateRequestResource.VERSION, namespace,
            CertificateRequestResource.PLURAL)
        .labelSelector(key + "=" + value)
        .buildCall(null);
    execute(call, limit, null);
  }

  /** Deletes one request, only if it is still the object with that uid; absent already counts as deleted. */
  void delete(String name, String uid, Duration limit) throws ApiException {
    Call call = api.deleteNamespacedCustomObject(
            CertificateRequestResource.GROUP, CertificateRequestResource.VERSION, namespace,
            CertificateRequestResource.PLURAL, name)
        .body(new V1DeleteOptions().preconditions(new V1Preconditions().uid(uid)))
        .buildCall(null);
    try {
      execute(call, limit, null);
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  List<CertificateRequestResource> list(String labelSelector, Duration limit) throws ApiException {
    Call call = api.listNamespacedCustomObject(
            CertificateRequestResource.GROUP, CertificateRequestResource.VERSION, namespace,
            CertificateRequestResource.PLURAL)
        .labelSelector(labelSelector)
        .buildCall(null);
    ResourceList list = execute(call, limit, LIST);
    return list == null || list.items() == null ? List.of() : list.items();
  }

  private <T> T execute(Call call, Duration limit, Type type) throws ApiException {
    limit(call, limit);
    return client.<T>execute(call, type).getData();
  }

  private static void limit(Call call, Duration limit) {
    call.timeout().timeout(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
  }
}

package io.openservicemesh.events.kubernetes;

import com.google.gson.JsonObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.util.PatchUtils;
import io.openservicemesh.events.CorrelatingRecorder;
import io.openservicemesh.events.EventCorrelator;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.k8s.ApiFailures;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Writes Events as core/v1 objects: created on the first occurrence, then their count, last timestamp and message
 * patched in place, as kubectl and client-go's recorder do. An Event the API server has already expired (they live
 * an hour) is created afresh under the same name.
 */
public final class KubernetesEventSink implements CorrelatingRecorder.Sink {

  /** The component every Event names as its source and reporter. */
  public static final String COMPONENT = "osm-controller";

  private final CoreV1Api api;
  private final String instance;

  /** @param instance this replica, e.g. its Pod's name: {@code reportingInstance} and {@code source.host} */
  public KubernetesEventSink(CoreV1Api api, String instance) {
    this.api = api;
    this.instance = instance;
  }

  @Override
  public void write(EventSubject subject, MeshEvent event, EventCorrelator.Write write) throws ApiException {
    String namespace = subject.eventNamespace();
    if (!write.create()) {
      try {
        patchCount(namespace, event, write);
        return;
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          throw new ApiException(e.getCode(), ApiFailures.describe(e));
        }
      }
    }
    try {
      api.createNamespacedEvent(namespace, newEvent(subject, event, write)).execute();
    } catch (ApiException e) {
      throw new ApiException(e.getCode(), ApiFailures.describe(e));
    }
  }

  CoreV1Event newEvent(EventSubject subject, MeshEvent event, EventCorrelator.Write write) {
    V1ObjectReference regarding = new V1ObjectReference()
        .apiVersion(subject.apiVersion()).kind(subject.kind()).name(subject.name());
    // The API server requires the two namespaces to agree; a Namespace's Event lives in that namespace, where
    // `kubectl get events -n <namespace>` lists it beside its pods' Events.
    if (!subject.namespace().isEmpty() || subject.kind().equals("Namespace")) {
      regarding.namespace(subject.eventNamespace());
    }
    return new CoreV1Event()
        .metadata(new V1ObjectMeta().name(write.eventName()).namespace(subject.eventNamespace()))
        .involvedObject(regarding)
        .type(event.reason().type().apiValue())
        .reason(event.reason().apiValue())
        .message(event.message())
        .count(write.count())
        .firstTimestamp(utc(write.firstSeen()))
        .lastTimestamp(utc(write.lastSeen()))
        .source(new V1EventSource().component(COMPONENT).host(instance))
        .reportingComponent(COMPONENT)
        .reportingInstance(instance);
  }

  private void patchCount(String namespace, MeshEvent event, EventCorrelator.Write write) throws ApiException {
    JsonObject patch = new JsonObject();
    patch.addProperty("count", write.count());
    patch.addProperty("lastTimestamp", utc(write.lastSeen()).toString());
    patch.addProperty("message", event.message());
    PatchUtils.patch(CoreV1Event.class,
        () -> api.patchNamespacedEvent(write.eventName(), namespace, new V1Patch(patch.toString())).buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, api.getApiClient());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}

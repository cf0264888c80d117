package io.openservicemesh.events.kubernetes;

import io.openservicemesh.events.CorrelatingRecorder;
import io.openservicemesh.events.EventCorrelator;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.k8s.KubernetesApi;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The control plane's {@link EventRecorder}: Events go to the configured Kubernetes API, correlated and rate
 * limited, written by one background thread from a bounded queue; in standalone mode (no API) nothing is recorded.
 * The control plane's own Pod, the subject of failures that concern no other object, comes from the downward API
 * ({@code POD_NAME}, {@code POD_NAMESPACE}, set by the chart's Deployment).
 */
@ApplicationScoped
public class KubernetesEventRecorder implements EventRecorder {

  private static final Logger LOG = Logger.getLogger(KubernetesEventRecorder.class.getName());
  /** Events waiting to be written; beyond it they are dropped, the bucket would have refused most anyway. */
  static final int QUEUE_CAPACITY = 256;

  @Inject KubernetesApi kubernetes;
  @Inject Clock clock;

  private EventRecorder delegate;
  private ThreadPoolExecutor writer;

  @Override
  public void record(MeshEvent event) {
    delegate().record(event);
  }

  private synchronized EventRecorder delegate() {
    if (delegate == null) {
      delegate = build();
    }
    return delegate;
  }

  private EventRecorder build() {
    Optional<io.kubernetes.client.openapi.apis.CoreV1Api> api;
    try {
      api = kubernetes.coreV1();
    } catch (UncheckedIOException e) {
      LOG.warning(() -> "no Kubernetes Events will be recorded: " + e.getMessage());
      return EventRecorder.NONE;
    }
    if (api.isEmpty()) {
      return EventRecorder.NONE;
    }
    Map<String, String> environment = System.getenv();
    Optional<EventSubject> pod = ownPod(environment);
    if (pod.isEmpty()) {
      LOG.info("POD_NAME or POD_NAMESPACE is not set: Events about the control plane itself (IssuanceFailed) are"
          + " only logged; the chart's Deployment sets both from the downward API");
    }
    writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
        runnable -> {
          Thread thread = new Thread(runnable, "osm-event-writer");
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    String instance = pod.map(EventSubject::name).orElseGet(KubernetesEventRecorder::hostName);
    return new CorrelatingRecorder(EventCorrelator.withDefaults(clock), pod, writer,
        new KubernetesEventSink(api.get(), instance));
  }

  static Optional<EventSubject> ownPod(Map<String, String> environment) {
    String name = environment.get("POD_NAME");
    String namespace = environment.get("POD_NAMESPACE");
    if (name == null || name.isBlank() || namespace == null || namespace.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(EventSubject.pod(namespace, name));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }

  @PreDestroy
  synchronized void stop() {
    if (writer != null) {
      writer.shutdownNow();
    }
  }
}

package io.openservicemesh.injector;

import io.openservicemesh.bootstrap.BootstrapSecretKeeper;
import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.status.ControlPlaneStatus;
import io.openservicemesh.webhook.AdmissionEndpoint;
import io.openservicemesh.webhook.AdmissionMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/** The injector as the server runs it: wired to the control plane and the Kubernetes API on first use. */
@ApplicationScoped
public class InjectorWebhook {

  /** A namespace's annotation change applies to new pods within this time. */
  static final Duration NAMESPACE_CACHE_TTL = Duration.ofSeconds(5);

  @Inject SettingsInForce settings;
  @Inject ControlPlaneStatus status;
  @Inject BootstrapCertificates bootstrapCertificates;
  @Inject KubernetesApi kubernetes;
  @Inject BootstrapSecretKeeper bootstrapSecrets;
  @Inject AdmissionMeter meter;
  @Inject Clock clock;
  @Inject EventRecorder events;

  private volatile AdmissionEndpoint endpoint;

  public AdmissionEndpoint endpoint() {
    AdmissionEndpoint current = endpoint;
    if (current == null) {
      synchronized (this) {
        if (endpoint == null) {
          endpoint = build();
        }
        current = endpoint;
      }
    }
    return current;
  }

  private AdmissionEndpoint build() {
    NamespaceCache.Source namespaces = kubernetes.coreV1()
        .<NamespaceCache.Source>map(KubernetesInjectorApi::new)
        .orElse(namespace -> NamespaceFacts.ABSENT);
    SidecarInjector injector = new SidecarInjector(
        settings::current,
        status::notReadyReason,
        bootstrapCertificates,
        new NamespaceCache(namespaces, clock, NAMESPACE_CACHE_TTL),
        bootstrapSecrets,
        UUID::randomUUID,
        new SecretCreationLimit(clock),
        events);
    return new AdmissionEndpoint("the sidecar injector", injector, "injector", meter);
  }
}

package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.config.IssuerBackendKind;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.KubernetesConnection.Connected;
import io.openservicemesh.schedule.Backoff;
import io.openservicemesh.schedule.Sleeper;
import io.openservicemesh.certificate.IssuerBackend;
import io.openservicemesh.certificate.StartedIssuer;
import io.openservicemesh.certificate.StartupException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * cert-manager as the configured certificate manager ({@code OpenServiceMesh.certificateManager=cert-manager}):
 * mesh certificates are signed by a cert-manager Issuer or ClusterIssuer through CertificateRequests, so no CA
 * key lives in the control plane. Needs a Kubernetes API: there is no standalone mode.
 */
@ApplicationScoped
public class CertManagerBackend implements IssuerBackend {

  /** API retries inside one issuance: quick first retry, never more than 2 s apart within a 15 s budget. */
  static final Backoff API_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
  static final Duration WATCH_WINDOW = Duration.ofMinutes(1);

  @Inject KubernetesApi kubernetes;
  @Inject Clock clock;
  @Inject CertManagerMeter meter = CertManagerMeter.NONE;
  @Inject EventRecorder events;

  @Override
  public IssuerBackendKind kind() {
    return IssuerBackendKind.CERT_MANAGER;
  }

  @Override
  public StartedIssuer start(MeshSettings settings, CryptoProvider crypto) throws StartupException {
    Optional<Connected> connection;
    try {
      connection = kubernetes.connection();
    } catch (UncheckedIOException e) {
      throw new StartupException(e.getMessage(), true, e);
    }
    if (connection.isEmpty()) {
      throw new StartupException("OpenServiceMesh.certificateManager is cert-manager, which needs a Kubernetes API,"
          + " but none is configured (not in a pod, KUBECONFIG unset); use tresor to run standalone", false, null);
    }
    ApiRetry retry = new ApiRetry(API_BACKOFF, () -> ThreadLocalRandom.current().nextDouble(), Sleeper.REAL);
    EventSubject caSecret = EventSubject.secret(settings.osmNamespace(), settings.caBundleSecretName());
    return new CertManagerStarter(
            connection.get().client(), clock, System::nanoTime, retry, IssuanceListener.metering(meter),
            WATCH_WINDOW, (reason, message) -> events.record(MeshEvent.about(caSecret, reason, message)))
        .start(settings, crypto);
  }
}

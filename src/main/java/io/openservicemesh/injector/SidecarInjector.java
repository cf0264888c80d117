package io.openservicemesh.injector;

import com.google.gson.JsonArray;
import io.openservicemesh.bootstrap.BootstrapFiles;
import io.openservicemesh.bootstrap.BootstrapSecretException;
import io.openservicemesh.bootstrap.BootstrapSecrets;
import io.openservicemesh.bootstrap.NewBootstrapSecrets;
import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.injector.InjectionDecision.Inject;
import io.openservicemesh.injector.InjectionDecision.Refuse;
import io.openservicemesh.webhook.AdmissionHandler;
import io.openservicemesh.webhook.AdmissionRequest;
import io.openservicemesh.webhook.AdmissionResponse;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The mutating webhook's work for one pod: decide ({@link InjectionPolicy}), give the proxy an identity (a new
 * UUID and its xDS bootstrap certificate), store its Envoy bootstrap in a Secret, and answer with the patch that
 * adds the sidecar. A dry run gets the same patch and creates nothing: no certificate, no Secret.
 *
 * <p>The bootstrap certificate is not kept in the certificate manager's cache: it lives in the Secret, which the
 * control plane keeps renewed while the pod lives ({@link io.openservicemesh.bootstrap.BootstrapSecretKeeper}).
 */
public final class SidecarInjector implements AdmissionHandler {

  private static final Logger LOG = Logger.getLogger(SidecarInjector.class.getName());

  /** A UUID collision is practically impossible; one retry covers a Secret left by an earlier attempt. */
  static final int MAX_SECRET_ATTEMPTS = 2;

  private final Supplier<Optional<MeshSettings>> settings;
  private final Supplier<String> notReadyReason;
  private final BootstrapCertificates bootstrapCertificates;
  private final NamespaceCache namespaces;
  private final NewBootstrapSecrets secrets;
  private final Supplier<UUID> uuids;
  private final SecretCreationLimit secretLimit;
  private final EventRecorder events;

  /**
   * @param settings the settings in force; empty until the control plane has started
   * @param notReadyReason why the control plane is not ready, for the refusal
   */
  public SidecarInjector(
      Supplier<Optional<MeshSettings>> settings,
      Supplier<String> notReadyReason,
      BootstrapCertificates bootstrapCertificates,
      NamespaceCache namespaces,
      NewBootstrapSecrets secrets,
      Supplier<UUID> uuids,
      SecretCreationLimit secretLimit,
      EventRecorder events) {
    this.settings = settings;
    this.notReadyReason = notReadyReason;
    this.bootstrapCertificates = bootstrapCertificates;
    this.namespaces = namespaces;
    this.secrets = secrets;
    this.uuids = uuids;
    this.secretLimit = secretLimit;
    this.events = events;
  }

  @Override
  public AdmissionResponse admit(AdmissionRequest request) {
    if (!"Pod".equals(request.kind()) || !"CREATE".equals(request.operation())) {
      // Only pod creation is injected; anything else a misconfigured webhook sends is let through unchanged.
      return AdmissionResponse.allow();
    }
    if (request.object().isEmpty()) {
      return AdmissionResponse.fail("the AdmissionReview for " + request.describeObject() + " has no object");
    }
    Optional<MeshSettings> inForce = settings.get();
    if (inForce.isEmpty()) {
      return AdmissionResponse.fail("the sidecar injector cannot inject " + request.describeObject()
          + " yet: the control plane is not ready (" + notReadyReason.get() + ")");
    }
    MeshSettings settings = inForce.get();
    AdmittedPod pod = new AdmittedPod(request.object().get(), request.namespace());
    InjectionDecision decision;
    try {
      decision = decide(pod, settings);
    } catch (InjectionException e) {
      return AdmissionResponse.fail(e.getMessage());
    }
    if (decision instanceof Refuse refuse) {
      refused(pod, refuse.reason());
      return AdmissionResponse.refuse(refuse.reason());
    }
    if (!(decision instanceof Inject)) {
      LOG.fine(() -> "not injecting pod " + pod.namespace() + "/" + pod.displayName() + ": " + decision.reason());
      return AdmissionResponse.allow();
    }
    ServiceIdentity identity;
    try {
      identity = new ServiceIdentity(pod.serviceAccount(), pod.namespace());
    } catch (IllegalArgumentException e) {
      String reason = "cannot inject pod " + pod.namespace() + "/" + pod.displayName() + ": " + e.getMessage();
      refused(pod, reason);
      return AdmissionResponse.refuse(reason);
    }
    if (!request.dryRun() && !secretLimit.tryAcquire(pod.namespace())) {
      LOG.warning(() -> "refused pod " + pod.namespace() + "/" + pod.displayName() + ": too many bootstrap Secrets");
      refused(pod, "too many bootstrap Secrets in namespace " + pod.namespace() + " (at most "
          + secretLimit.describe() + "); the pod's controller retries it");
      return AdmissionResponse.tooMany("the sidecar injector creates at most " + secretLimit.describe()
          + " bootstrap Secrets in namespace " + pod.namespace() + "; the pod is refused for now and will be"
          + " retried by its controller");
    }
    try {
      UUID uuid = request.dryRun() ? uuids.get() : writeBootstrap(settings.osmNamespace(), identity);
      JsonArray patch = SidecarPatch.forPod(pod, uuid, BootstrapSecrets.nameOf(uuid), settings.injector());
      if (!request.dryRun()) {
        LOG.info(() -> "injected the sidecar into pod " + pod.namespace() + "/" + pod.displayName() + " (proxy "
            + uuid + ", " + decision.reason() + ")");
      }
      return AdmissionResponse.allowWithPatch(patch);
    } catch (InjectionException e) {
      LOG.warning(() -> "cannot inject pod " + pod.namespace() + "/" + pod.displayName() + ": " + e.getMessage());
      return AdmissionResponse.fail(e.getMessage());
    }
  }

  /**
   * An Event on the pod when it has a name, else on its namespace: a controller's pods are admitted before the API
   * server names them, and a refused pod is never stored, so the namespace is where an operator looks.
   */
  private void refused(AdmittedPod pod, String reason) {
    EventSubject subject = pod.name().map(name -> EventSubject.pod(pod.namespace(), name))
        .orElseGet(() -> EventSubject.namespace(pod.namespace()));
    events.record(MeshEvent.about(subject, EventReason.INJECTION_REFUSED,
        "refused pod " + pod.namespace() + "/" + pod.displayName() + ": " + reason));
  }

  private InjectionDecision decide(AdmittedPod pod, MeshSettings settings) throws InjectionException {
    return new InjectionPolicy(settings.osmNamespace(), settings.injector().injectByDefault())
        .decide(pod, namespaces::get);
  }

  /** Issues the bootstrap certificate and writes the Secret; returns the proxy's UUID. */
  private UUID writeBootstrap(String osmNamespace, ServiceIdentity identity) throws InjectionException {
    for (int attempt = 1; ; attempt++) {
      UUID uuid = uuids.get();
      ProxyIdentity proxy = new ProxyIdentity(uuid, identity);
      Certificate certificate;
      try {
        certificate = bootstrapCertificates.bootstrapCertificate(proxy);
      } catch (IssuanceException e) {
        throw new InjectionException("cannot issue the xDS bootstrap certificate for proxy " + proxy.commonName()
            + ": " + e.getMessage());
      }
      try {
        secrets.create(identity.namespace(), uuid,
            BootstrapFiles.forProxy(proxy, osmNamespace, BootstrapFiles.Credential.of(certificate)));
        return uuid;
      } catch (BootstrapSecretException e) {
        if (!e.conflict() || attempt >= MAX_SECRET_ATTEMPTS) {
          throw new InjectionException(e.getMessage());
        }
        LOG.warning(() -> "bootstrap Secret " + BootstrapSecrets.nameOf(uuid) + " already exists; trying a new proxy UUID");
      }
    }
  }
}

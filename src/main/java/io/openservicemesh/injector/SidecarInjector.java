package io.openservicemesh.injector;

import com.google.gson.JsonArray;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.lifecycle.ControlPlane;
import io.openservicemesh.webhook.AdmissionHandler;
import io.openservicemesh.webhook.AdmissionRequest;
import io.openservicemesh.webhook.AdmissionResponse;
import io.openservicemesh.injector.InjectionDecision.Inject;
import io.openservicemesh.injector.InjectionDecision.Refuse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The mutating webhook's work for one pod: decide ({@link InjectionPolicy}), give the proxy an identity (a new
 * UUID and its xDS bootstrap certificate), store its Envoy bootstrap in a Secret, and answer with the patch that
 * adds the sidecar. A dry run gets the same patch and creates nothing: no certificate, no Secret.
 *
 * <p>The bootstrap certificate is not kept in the certificate manager's cache: it lives in the Secret, and
 * caching one ten-year certificate per pod ever created would grow the cache without bound.
 */
public final class SidecarInjector implements AdmissionHandler {

  private static final Logger LOG = Logger.getLogger(SidecarInjector.class.getName());

  public static final String SECRET_PREFIX = "envoy-bootstrap-config-";
  static final int SDS_PORT = 15128;
  /** A UUID collision is practically impossible; one retry covers a Secret left by an earlier attempt. */
  static final int MAX_SECRET_ATTEMPTS = 2;

  private final Supplier<Optional<ControlPlane.Certificates>> controlPlane;
  private final Supplier<String> notReadyReason;
  private final NamespaceAnnotations namespaces;
  private final BootstrapSecretStore secrets;
  private final Supplier<UUID> uuids;

  public SidecarInjector(
      Supplier<Optional<ControlPlane.Certificates>> controlPlane,
      Supplier<String> notReadyReason,
      NamespaceAnnotations namespaces,
      BootstrapSecretStore secrets,
      Supplier<UUID> uuids) {
    this.controlPlane = controlPlane;
    this.notReadyReason = notReadyReason;
    this.namespaces = namespaces;
    this.secrets = secrets;
    this.uuids = uuids;
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
    Optional<ControlPlane.Certificates> ready = controlPlane.get();
    if (ready.isEmpty()) {
      return AdmissionResponse.fail("the sidecar injector cannot inject " + request.describeObject()
          + " yet: the control plane is not ready (" + notReadyReason.get() + ")");
    }
    MeshSettings settings = ready.get().settings();
    AdmittedPod pod = new AdmittedPod(request.object().get(), request.namespace());
    InjectionDecision decision;
    try {
      decision = decide(pod, settings);
    } catch (InjectionException e) {
      return AdmissionResponse.fail(e.getMessage());
    }
    if (decision instanceof Refuse refuse) {
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
      return AdmissionResponse.refuse("cannot inject pod " + pod.namespace() + "/" + pod.displayName() + ": "
          + e.getMessage());
    }
    try {
      UUID uuid = request.dryRun() ? uuids.get() : writeBootstrap(ready.get(), identity);
      JsonArray patch = SidecarPatch.forPod(pod, uuid, SECRET_PREFIX + uuid, settings.injector());
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

  private InjectionDecision decide(AdmittedPod pod, MeshSettings settings) throws InjectionException {
    return new InjectionPolicy(settings.osmNamespace(), settings.injector().injectByDefault())
        .decide(pod, namespaces::get);
  }

  /** Issues the bootstrap certificate and writes the Secret; returns the proxy's UUID. */
  private UUID writeBootstrap(ControlPlane.Certificates certificates, ServiceIdentity identity)
      throws InjectionException {
    for (int attempt = 1; ; attempt++) {
      UUID uuid = uuids.get();
      ProxyIdentity proxy = new ProxyIdentity(uuid, identity);
      Certificate certificate;
      try {
        certificate = certificates.manager().getOrIssue(certificates.specs().xdsBootstrap(proxy));
      } catch (IssuanceException e) {
        throw new InjectionException("cannot issue the xDS bootstrap certificate for proxy " + proxy.commonName()
            + ": " + e.getMessage());
      } finally {
        certificates.manager().release(proxy.commonName());
      }
      String osmNamespace = certificates.settings().osmNamespace();
      String bootstrap = EnvoyBootstrap.yaml(new EnvoyBootstrap.Parameters(
          certificate.commonName(),
          identity.serviceAccount(),
          identity.namespace(),
          "osm-controller." + osmNamespace + ".svc.cluster.local",
          SDS_PORT,
          certificate.certificateChainPem(),
          certificate.privateKeyPem(),
          certificate.trustedCasPem()));
      try {
        secrets.create(identity.namespace(), SECRET_PREFIX + uuid,
            Map.of(InjectionPolicy.PROXY_UUID_LABEL, uuid.toString(), "app.kubernetes.io/name", "openservicemesh.io"),
            Map.of(SidecarPatch.BOOTSTRAP_FILE, bootstrap.getBytes(StandardCharsets.UTF_8)));
        return uuid;
      } catch (InjectionException e) {
        if (!e.conflict() || attempt >= MAX_SECRET_ATTEMPTS) {
          throw e;
        }
        LOG.warning(() -> "bootstrap Secret " + SECRET_PREFIX + uuid + " already exists; trying a new proxy UUID");
      }
    }
  }
}

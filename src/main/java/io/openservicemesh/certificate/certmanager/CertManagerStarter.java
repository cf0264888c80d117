package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.openservicemesh.certificate.certmanager.IssuerCheck.IssuerFacts;
import io.openservicemesh.certificate.certmanager.IssuerCheck.IssuerProblemException;
import io.openservicemesh.certificate.store.CaBundleSecretStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotationStateSecretStore;
import io.openservicemesh.certificate.RootLifecycle;
import io.openservicemesh.certificate.rootchange.ExternalRootLifecycle;
import io.openservicemesh.certificate.rootchange.ExternalTrust;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.k8s.ReplicaIdentity;
import io.openservicemesh.config.CertManagerSettings;
import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviders;
import io.openservicemesh.certificate.CaDescription;
import io.openservicemesh.certificate.StartedIssuer;
import io.openservicemesh.certificate.StartupException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Brings the cert-manager issuer up against one Kubernetes API: loads the mesh root from {@code ca.crt} of the CA
 * bundle Secret, checks the referenced issuer, deletes requests an earlier process left behind. Every problem found
 * is reported at once, each with its way out; all are retried by start-up's backoff, so an operator who creates
 * the Secret or the Issuer later gets a ready control plane without a restart.
 */
final class CertManagerStarter {

  private static final Logger LOG = Logger.getLogger(CertManagerStarter.class.getName());

  /** Start-up calls are few and must not hang start-up on a dead connection. */
  static final Duration CALL_LIMIT = Duration.ofSeconds(10);
  /** Leftovers are requests older than the longest issuance plus this margin (clock skew with the API server). */
  static final Duration LEFTOVER_MARGIN = Duration.ofMinutes(5);

  private final ApiClient client;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ApiRetry retry;
  private final IssuanceListener listener;
  private final Duration watchWindow;
  private final BiConsumer<EventReason, String> caSecretEvents;

  CertManagerStarter(
      ApiClient client, Clock clock, LongSupplier nanoTime, ApiRetry retry, IssuanceListener listener,
      Duration watchWindow) {
    this(client, clock, nanoTime, retry, listener, watchWindow, (reason, message) -> {});
  }

  /** @param caSecretEvents records a Kubernetes Event on the CA bundle Secret (a root change, a refused ca.crt) */
  CertManagerStarter(
      ApiClient client, Clock clock, LongSupplier nanoTime, ApiRetry retry, IssuanceListener listener,
      Duration watchWindow, BiConsumer<EventReason, String> caSecretEvents) {
    this.caSecretEvents = caSecretEvents;
    this.client = client;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.retry = retry;
    this.listener = listener;
    this.watchWindow = watchWindow;
  }

  /** With BouncyCastle's keys and signatures. */
  StartedIssuer start(MeshSettings settings) throws StartupException {
    return start(settings, CryptoProviders.BOUNCYCASTLE);
  }

  /** @param crypto makes each certificate's key pair and signs its request */
  StartedIssuer start(MeshSettings settings, CryptoProvider crypto) throws StartupException {
    CertManagerSettings certManager = settings.certManager();
    IssuerReference reference = IssuerReference.of(certManager, settings.osmNamespace());
    List<String> problems = new ArrayList<>();

    CoreV1Api core = new CoreV1Api(client);
    CaBundleSecretStore caSecret =
        new CaBundleSecretStore(core, settings.osmNamespace(), settings.caBundleSecretName());
    MeshRoots roots = null;
    try {
      roots = MeshRoots.load(caSecret, settings.osmNamespace(), settings.caBundleSecretName(), clock.instant());
    } catch (CaStoreException | MeshRoots.UnavailableException e) {
      problems.add(e.getMessage());
    }
    IssuerFacts issuerFacts = null;
    try {
      issuerFacts = new IssuerCheck(client).check(reference, CALL_LIMIT);
    } catch (IssuerProblemException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new StartupException("cert-manager issuer not started: " + String.join("; ", problems), true, null);
    }

    CertificateRequestClient requests = new CertificateRequestClient(client, settings.osmNamespace());
    if (!certManager.keepCertificateRequests()) {
      sweepLeftovers(requests, certManager.requestTimeout());
    }
    if (!issuerFacts.readiness().startsWith("Ready=True")) {
      String readiness = issuerFacts.readiness();
      LOG.warning(() -> reference + " is not reported Ready by cert-manager (" + readiness
          + "); mesh certificates will fail or time out until it is");
    }
    CertManagerIssuer.Options options = CertManagerIssuer.Options
        .of(certManager.requestTimeout(), certManager.keepCertificateRequests())
        .withWatchWindow(watchWindow);
    // ca.crt is followed live: a changed one is published beside the old roots before anything is re-issued.
    ExternalTrust trust = new ExternalTrust(roots.certificates());
    RootLifecycle rootChange = ExternalRootLifecycle.start(
        new RotationStateSecretStore(core, settings.osmNamespace(), settings.caBundleSecretName()),
        new CaCrtRootSource(caSecret, settings.osmNamespace(), settings.caBundleSecretName(), clock), trust,
        ReplicaIdentity.current(), clock, caSecretEvents);
    CertManagerIssuer issuer = new CertManagerIssuer(requests, reference, trust, roots.location(), options, clock,
        nanoTime, retry, listener, crypto);
    CaDescription description = description(roots, reference, issuerFacts, certManager);
    Map<String, String> details = description.details();
    LOG.info(() -> "cert-manager issues mesh certificates through " + reference + "; mesh root from "
        + details.get("caLocation") + ": " + details.get("caSubject") + ", serial " + details.get("caSerial")
        + ", expires " + details.get("caNotAfter"));
    return new StartedIssuer(issuer, description, () -> {}, Optional.of(rootChange));
  }

  private void sweepLeftovers(CertificateRequestClient requests, Duration requestTimeout) {
    try {
      int deleted = LeftoverRequestSweeper.sweep(
          requests, clock.instant(), requestTimeout.plus(LEFTOVER_MARGIN), CALL_LIMIT);
      if (deleted > 0) {
        LOG.info(() -> "deleted " + deleted + " leftover CertificateRequest(s) of the mesh in " + requests.namespace());
      }
    } catch (ApiException e) {
      // Housekeeping only: issuing works without it, and the next start tries again.
      LOG.warning(() -> "could not delete leftover CertificateRequests in " + requests.namespace() + ": "
          + ApiErrors.describe(e));
    }
  }

  private static CaDescription description(
      MeshRoots roots, IssuerReference reference, IssuerFacts facts, CertManagerSettings settings) {
    CaDescription description = CaDescription.of(roots.location(), roots.first());
    if (roots.certificates().size() > 1) {
      description = description.with("caCertificates", Integer.toString(roots.certificates().size()));
    }
    return description
        .with("issuer", reference.toString())
        .with("issuerType", facts.type())
        .with("issuerReady", facts.readiness())
        .with("requestTimeout", GoDuration.format(settings.requestTimeout()));
  }
}

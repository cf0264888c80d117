package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.KeyPairPool;
import io.openservicemesh.certificate.store.CaBundleSecretStore;
import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.LocalDirectoryCaBundleStore;
import io.openservicemesh.certificate.store.RotatingCaBundleStore;
import io.openservicemesh.certificate.store.RotationStateSecretStore;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.RootLifecycle;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.openservicemesh.certificate.tresor.TresorCaProvisioner.ProvisionedCa;
import io.openservicemesh.config.IssuerBackendKind;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.k8s.ReplicaIdentity;
import io.openservicemesh.certificate.CaDescription;
import io.openservicemesh.certificate.IssuerBackend;
import io.openservicemesh.certificate.StartedIssuer;
import io.openservicemesh.certificate.StartupException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Tresor as the configured certificate manager: the root lives in the {@code <caBundleSecretName>} Secret of
 * the OSM namespace, or, with no Kubernetes API configured, in a local directory (standalone mode).
 */
@ApplicationScoped
public class TresorBackend implements IssuerBackend {

  private static final Logger LOG = Logger.getLogger(TresorBackend.class.getName());

  @Inject KubernetesApi kubernetes;
  @Inject Clock clock;
  @Inject EventRecorder events;

  /**
   * RSA leaf keys made ahead (the injector issues on the API server's clock); EC keys are made on the spot. Made
   * by the provider of the start that succeeded.
   */
  private KeyPairPool keyPool;
  static final int KEY_POOL_CAPACITY = 32;

  @PreDestroy
  synchronized void stopKeyPool() {
    if (keyPool != null) {
      keyPool.close();
    }
  }

  @Override
  public IssuerBackendKind kind() {
    return IssuerBackendKind.TRESOR;
  }

  @Override
  public StartedIssuer start(MeshSettings settings, CryptoProvider crypto) throws StartupException {
    CaBundleStore store = store(settings);
    TresorCaProvisioner provisioner = new TresorCaProvisioner(
        store, settings.caKey(), settings.caValidity(), settings.clockSkewAllowance(), clock,
        publishedRoots(settings), crypto);
    ProvisionedCa provisioned;
    try {
      provisioned = provisioner.provision();
    } catch (CaStoreException e) {
      // Retried: an API server coming back is picked up without a restart.
      throw new StartupException(e.getMessage(), true, e);
    } catch (BrokenCaBundleException | TresorCaProvisioner.ExistingMeshException e) {
      // Retried too: an operator restoring the Secret is picked up without a restart. Said on the Secret, where
      // `kubectl describe` shows it; the correlator turns each retry into a count, not a new Event.
      recordOnSecret(settings, EventReason.CA_SECRET_REFUSED, e.getMessage());
      throw new StartupException(e.getMessage(), true, e);
    }
    CaBundle ca = provisioned.bundle();
    recordOnSecret(settings, provisioned.outcome() == TresorCaProvisioner.Outcome.CREATED
        ? EventReason.CA_CREATED : EventReason.CA_LOADED, switch (provisioned.outcome()) {
          case CREATED -> "created a new mesh root CA: " + ca;
          case LOADED -> "loaded the mesh root CA: " + ca;
          case LOADED_AFTER_RACE -> "another replica created the mesh root CA first; loaded it: " + ca;
        });
    LOG.info(() -> switch (provisioned.outcome()) {
      case CREATED -> "created a new mesh root CA in " + store.location() + ": " + ca;
      case LOADED -> "loaded the mesh root CA from " + store.location() + ": " + ca;
      case LOADED_AFTER_RACE -> "another replica created the mesh root CA first; loaded it from "
          + store.location() + ": " + ca;
    });
    KeyPairPool pool = keyPool(crypto);
    pool.prefill(settings.certKey());
    TresorIssuer issuer = new TresorIssuer(TresorRoots.of(ca), clock, settings.clockSkewAllowance(), pool, crypto);
    CaSecretKeeper keeper = new CaSecretKeeper(store, () -> issuer.roots().signing(), clock);
    Optional<RootLifecycle> roots = store instanceof RotatingCaBundleStore rotating
        ? kubernetes.coreV1().map(api -> rootLifecycle(settings, rotating, issuer, api, crypto)) : Optional.empty();
    return new StartedIssuer(issuer, description(store, provisioned), keeper, roots);
  }

  /**
   * In a cluster: the persisted rotation, if one is under way, is applied before anything is signed, so a
   * replica that starts mid-rotation trusts both roots from its first certificate on.
   */
  private RootLifecycle rootLifecycle(MeshSettings settings, RotatingCaBundleStore caStore, TresorIssuer issuer,
      CoreV1Api api, CryptoProvider crypto) {
    RotationStateStore state = new RotationStateSecretStore(api, settings.osmNamespace(), settings.caBundleSecretName());
    RootRotationFollower follower = new RootRotationFollower(state, caStore, issuer, ReplicaIdentity.current(), clock);
    follower.applyPersisted();
    RootRotationDriver driver = new RootRotationDriver(state, caStore, issuer::roots,
        new RootRotationDriver.Policy(settings.caKey(), settings.caValidity(), settings.clockSkewAllowance(),
            settings.rotation().caRotationStartFraction(), crypto), clock,
        (reason, message) -> recordOnSecret(settings, reason, message));
    return new TresorRootLifecycle(issuer, follower, driver);
  }

  /** Only in a cluster: standalone, the root lives in a directory and there is no API to tell. */
  private void recordOnSecret(MeshSettings settings, EventReason reason, String message) {
    if (kubernetes.connection().isPresent()) {
      events.record(MeshEvent.about(
          EventSubject.secret(settings.osmNamespace(), settings.caBundleSecretName()), reason, message));
    }
  }

  private synchronized KeyPairPool keyPool(CryptoProvider crypto) {
    stopKeyPool();
    keyPool = new KeyPairPool(KEY_POOL_CAPACITY, crypto);
    return keyPool;
  }

  /** In a cluster, where the mesh's roots are published besides the CA Secret; none in standalone mode. */
  private Optional<PublishedRoots> publishedRoots(MeshSettings settings) {
    return kubernetes.connection().map(connected -> new PublishedMeshRoots(connected.client(),
        settings.webhooks().mutatingConfigurationName(settings.osmNamespace())));
  }

  private CaBundleStore store(MeshSettings settings) throws StartupException {
    try {
      return kubernetes.coreV1()
          .<CaBundleStore>map(api -> new CaBundleSecretStore(api, settings.osmNamespace(), settings.caBundleSecretName()))
          .orElseGet(() -> standaloneStore(settings));
    } catch (UncheckedIOException e) {
      throw new StartupException(e.getMessage(), true, e);
    }
  }

  private static CaBundleStore standaloneStore(MeshSettings settings) {
    LocalDirectoryCaBundleStore local = new LocalDirectoryCaBundleStore(settings.localCaBundleDirectory());
    LOG.info(() -> "standalone mode: no Kubernetes API is configured (not in a pod, KUBECONFIG unset), so the"
        + " CA bundle lives in " + local.location() + " (OpenServiceMesh.localCaBundleDirectory)");
    return local;
  }

  private static CaDescription description(CaBundleStore store, ProvisionedCa provisioned) {
    return CaDescription.of(store.location(), provisioned.bundle().certificate())
        .with("caOrigin", provisioned.outcome().name().toLowerCase(java.util.Locale.ROOT));
  }
}

package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.store.CaBundleSecretStore;
import io.openservicemesh.certificate.store.PublicCaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.InMemoryRotationStateStore;
import io.openservicemesh.certificate.store.LocalDirectoryCaBundleStore;
import io.openservicemesh.certificate.store.RotationStateSecretStore;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.RootLifecycle;
import io.openservicemesh.certificate.rootchange.ExternalRootLifecycle;
import io.openservicemesh.certificate.rootchange.ExternalTrust;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.events.EventSubject;
import io.openservicemesh.events.MeshEvent;
import io.openservicemesh.k8s.ReplicaIdentity;
import io.openservicemesh.config.IssuerBackendKind;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.VaultAuthMethod;
import io.openservicemesh.config.VaultSettings;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.schedule.Sleeper;
import io.openservicemesh.certificate.CaDescription;
import io.openservicemesh.certificate.IssuerBackend;
import io.openservicemesh.certificate.StartedIssuer;
import io.openservicemesh.certificate.StartupException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * HashiCorp Vault as the configured certificate manager ({@code OpenServiceMesh.certificateManager=vault}).
 * Start-up authenticates (static token or Kubernetes auth), reads the mesh's roots from the PKI mount
 * and publishes them, key-less, to the {@code <caBundleSecretName>} Secret (or the local directory in
 * standalone mode). Any failure is a {@link StartupException} that start-up retries with backoff while
 * readiness says why.
 */
@ApplicationScoped
public class VaultBackend implements IssuerBackend {

  private static final Logger LOG = Logger.getLogger(VaultBackend.class.getName());

  @Inject KubernetesApi kubernetes;
  @Inject Clock clock;
  @Inject VaultMeter meter = VaultMeter.NONE;
  @Inject EventRecorder events = EventRecorder.NONE;

  /** Said at start-up and in readiness whenever Vault is reached without TLS. */
  static final String PLAIN_HTTP_WARNING = "Vault is reached over plain HTTP: the Vault token, the Kubernetes login's"
      + " JWT and every issued private key cross the network unencrypted; use OpenServiceMesh.vault.protocol=https"
      + " outside a local development setup";

  private final DoubleSupplier uniform;
  private final Sleeper sleeper;
  private volatile VaultSession session;

  /** For CDI. */
  public VaultBackend() {
    this.uniform = () -> ThreadLocalRandom.current().nextDouble();
    this.sleeper = Sleeper.REAL;
  }

  /** For tests that run the backend without a container. */
  public VaultBackend(KubernetesApi kubernetes, Clock clock) {
    this();
    this.kubernetes = kubernetes;
    this.clock = clock;
  }

  VaultBackend(KubernetesApi kubernetes, Clock clock, DoubleSupplier uniform, Sleeper sleeper) {
    this.kubernetes = kubernetes;
    this.clock = clock;
    this.uniform = uniform;
    this.sleeper = sleeper;
  }

  @Override
  public IssuerBackendKind kind() {
    return IssuerBackendKind.VAULT;
  }

  /** Vault makes every key and signature itself, so {@code crypto} is not used here. */
  @Override
  public StartedIssuer start(MeshSettings settings, CryptoProvider crypto) throws StartupException {
    VaultSettings vault = settings.vault();
    URI address = VaultHttpClients.address(vault);
    HttpClient http;
    try {
      http = VaultHttpClients.create(vault);
    } catch (IOException e) {
      throw new StartupException(e.getMessage(), true, e);
    }
    VaultClient client = new VaultClient(address, http, vault.requestTimeout(),
        new VaultRetrier(RetryPolicy.DEFAULT, uniform, sleeper), meter);
    VaultAuthentication authentication = vault.authMethod() == VaultAuthMethod.KUBERNETES
        ? new KubernetesAuthentication(client, vault.kubernetesMount(), vault.kubernetesRole(),
            vault.serviceAccountTokenPath())
        : new StaticTokenAuthentication(client, new VaultToken(vault.token()));
    LOG.info(() -> "starting the Vault issuer: " + address + ", PKI mount " + vault.pkiMount() + ", role "
        + vault.role() + ", authentication " + authentication.describe());
    if (!vault.protocol().equals("https")) {
      LOG.warning(PLAIN_HTTP_WARNING + " (" + address + ")");
    }

    VaultTokenKeeper tokens = new VaultTokenKeeper(client, authentication, clock, uniform);
    try {
      tokens.start();
    } catch (VaultException | IOException e) {
      throw new StartupException("cannot authenticate to Vault at " + address + " with "
          + authentication.describe() + ": " + e.getMessage(), true, e);
    }

    PublicCaBundleStore store = store(settings);
    VaultTrust trust = new VaultTrust(client, vault.pkiMount(), store, clock, vault.caRefreshInterval());
    try {
      trust.refresh();
    } catch (VaultException e) {
      throw new StartupException("cannot read the CA of Vault's PKI mount " + vault.pkiMount() + " at " + address
          + ": " + e.getMessage(), true, e);
    }
    // Vault's roots are followed live: a new one is published beside the old ones before anything is re-issued,
    // and one Vault dropped stays trusted until nothing it signed is left.
    ExternalTrust meshTrust = new ExternalTrust(trust.named());
    RootLifecycle rootChange = ExternalRootLifecycle.start(stateStore(settings), trust, meshTrust,
        ReplicaIdentity.current(), clock, (reason, message) -> recordOnCaSecret(settings, reason, message));
    try {
      trust.publish(meshTrust.roots());
    } catch (CaStoreException e) {
      throw new StartupException(e.getMessage(), true, e);
    }

    meter.tokenKept(tokens::secondsLeft);
    VaultIssuer issuer = new VaultIssuer(client, tokens, trust, meshTrust, vault.pkiMount(), vault.role(),
        settings.certKey(), clock);
    session = new VaultSession(tokens, trust, meshTrust);
    return new StartedIssuer(issuer, description(vault, address, trust, tokens), this::maintain,
        Optional.of(rootChange));
  }

  /**
   * In a cluster, the state Secret every replica follows; standalone, one process follows its own change in
   * memory (there is no replica to agree with, and a restart reads Vault afresh).
   */
  private RotationStateStore stateStore(MeshSettings settings) {
    return kubernetes.coreV1().<RotationStateStore>map(api ->
            new RotationStateSecretStore(api, settings.osmNamespace(), settings.caBundleSecretName()))
        .orElseGet(() -> new InMemoryRotationStateStore("memory (standalone)"));
  }

  /** Only in a cluster: standalone, there is no API to tell. */
  private void recordOnCaSecret(MeshSettings settings, EventReason reason, String message) {
    if (kubernetes.connection().isPresent()) {
      events.record(MeshEvent.about(
          EventSubject.secret(settings.osmNamespace(), settings.caBundleSecretName()), reason, message));
    }
  }

  /** Token renewal and CA refresh: the started issuer's upkeep, called every few seconds. */
  public void maintain() {
    VaultSession current = session;
    if (current != null) {
      current.maintain();
    }
  }

  /** The token's state for readiness; empty until the Vault issuer has started. */
  Optional<VaultTokenKeeper.Status> tokenStatus() {
    VaultSession current = session;
    return current == null ? Optional.empty() : Optional.of(current.tokens().status());
  }

  private PublicCaBundleStore store(MeshSettings settings) throws StartupException {
    try {
      return kubernetes.coreV1()
          .<PublicCaBundleStore>map(api -> new CaBundleSecretStore(api, settings.osmNamespace(), settings.caBundleSecretName()))
          .orElseGet(() -> {
            LocalDirectoryCaBundleStore local = new LocalDirectoryCaBundleStore(settings.localCaBundleDirectory());
            LOG.info(() -> "standalone mode: no Kubernetes API is configured, so Vault's CA certificate is"
                + " published to " + local.location() + " (OpenServiceMesh.localCaBundleDirectory)");
            return local;
          });
    } catch (UncheckedIOException e) {
      throw new StartupException(e.getMessage(), true, e);
    }
  }

  private static CaDescription description(
      VaultSettings vault, URI address, VaultTrust trust, VaultTokenKeeper tokens) {
    CaDescription description = CaDescription.of(trust.storeLocation(), trust.named().get(0))
        .with("caOrigin", "vault")
        .with("vaultAddress", address.toString())
        .with("vaultIssuePath", "/v1/" + vault.pkiMount() + "/issue/" + vault.role())
        .with("vaultTransport", vault.protocol().equals("https") ? "https" : "http: " + PLAIN_HTTP_WARNING);
    for (Map.Entry<String, String> fact : tokens.status().details().entrySet()) {
      description = description.with(fact.getKey(), fact.getValue());
    }
    return description;
  }
}

package io.openservicemesh.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting of the control plane, in one place, so that parsing, messages, logs and the docs
 * cannot disagree about a key, its default or what it accepts.
 */
public enum Setting {
  CERTIFICATE_MANAGER(
      "OpenServiceMesh.certificateManager",
      Change.AT_RESTART,
      "tresor",
      Choices.oneOf(IssuerBackendKind.values(), IssuerBackendKind::configName),
      "Which certificate authority signs mesh certificates: the built-in tresor CA, HashiCorp"
          + " Vault or cert-manager."),
  CA_BUNDLE_SECRET_NAME(
      "OpenServiceMesh.caBundleSecretName",
      Change.AT_RESTART,
      "osm-ca-bundle",
      Forms.OBJECT_NAME,
      "Name of the Kubernetes Secret, in the OSM namespace, that holds the root CA certificate"
          + " and key."),
  OSM_NAMESPACE(
      "OpenServiceMesh.osmNamespace",
      Change.AT_RESTART,
      "osm-system",
      "a Kubernetes namespace name (lowercase letters, digits and '-', starting and ending with a"
          + " letter or digit, at most 63 characters)",
      "Namespace the control plane runs in and keeps its Secrets in."),
  TRUST_DOMAIN(
      "OpenServiceMesh.trustDomain",
      Change.AT_RESTART,
      "cluster.local",
      "a DNS name such as cluster.local (dot-separated labels of lowercase letters, digits and"
          + " '-', at most 253 characters)",
      "Trust domain that ends the names in every issued certificate, e.g."
          + " bookstore.bookstore.cluster.local."),
  SERVICE_CERT_VALIDITY_DURATION(
      "OpenServiceMesh.serviceCertValidityDuration",
      Change.LIVE,
      "24h",
      "a positive duration such as 24h, 30m, 1.5h or 1h30m",
      "How long a service (leaf) certificate is valid; at least 10m unless"
          + " allowShortCertValidity is true."),
  CA_VALIDITY_DURATION(
      "OpenServiceMesh.caValidityDuration",
      Change.AT_RESTART,
      "87600h",
      "a positive duration such as 87600h or 8760h",
      "How long a root CA certificate made by the built-in CA is valid; at least 1h."),
  CERT_KEY_ALGORITHM(
      "OpenServiceMesh.certKeyAlgorithm",
      Change.LIVE,
      "ecdsa-p256",
      Forms.KEY_ALGORITHM,
      "Key algorithm of service (leaf) certificates."),
  CA_KEY_ALGORITHM(
      "OpenServiceMesh.caKeyAlgorithm",
      Change.AT_RESTART,
      "ecdsa-p256",
      Forms.KEY_ALGORITHM,
      "Key algorithm of a root CA made by the built-in CA."),
  CERT_KEY_BIT_SIZE(
      "OpenServiceMesh.certKeyBitSize",
      Change.LIVE,
      "2048",
      Choices.oneOf(KeySpec.RSA_SIZES.stream().sorted().map(String::valueOf).toList()),
      "RSA modulus size in bits, used for leaf and CA keys whose algorithm is rsa (checked even"
          + " when neither is)."),
  CERT_CLOCK_SKEW_ALLOWANCE(
      "OpenServiceMesh.certClockSkewAllowance",
      Change.AT_RESTART,
      "1m",
      "a duration from 0 to 1h such as 30s or 1m",
      "How far NotBefore of issued certificates is backdated, so that peers whose clocks are"
          + " slightly slow accept fresh certificates."),
  CRYPTO_PROVIDER(
      "OpenServiceMesh.cryptoProvider",
      Change.AT_RESTART,
      "auto",
      Choices.oneOf(CryptoProviderChoice.values(), CryptoProviderChoice::configName),
      "Which JCA provider makes key pairs and signs certificates: auto uses the native Amazon Corretto Crypto"
          + " Provider where it loads (Linux x86_64 and aarch64) and BouncyCastle elsewhere; accp requires the"
          + " native provider (the control plane does not start without it); bouncycastle never uses native"
          + " code. The choice is logged at start-up and shown in readiness."),
  LOCAL_CA_BUNDLE_DIRECTORY(
      "OpenServiceMesh.localCaBundleDirectory",
      Change.AT_RESTART,
      "osm-ca-bundle",
      "a directory path, absolute or relative to the server's working directory",
      "Where the built-in CA keeps its root certificate and key when no Kubernetes API is"
          + " configured."),
  VAULT_HOST(
      "OpenServiceMesh.vault.host",
      Change.AT_RESTART,
      null,
      "a host name or IP address without scheme, port or path, such as vault.example.com",
      "Host of the Vault server; required when certificateManager is vault."),
  VAULT_PROTOCOL(
      "OpenServiceMesh.vault.protocol",
      Change.AT_RESTART,
      "https",
      Choices.oneOf(List.of("http", "https")),
      "Protocol used to reach Vault. With http the Vault token, the Kubernetes login's JWT and every issued"
          + " private key cross the network unencrypted: only for a local Vault in development, as in the"
          + " mission's example (--set OpenServiceMesh.vault.protocol=http)."),
  VAULT_PORT(
      "OpenServiceMesh.vault.port",
      Change.AT_RESTART,
      "8200",
      "an integer from 1 to 65535",
      "Port of the Vault server."),
  VAULT_TOKEN(
      "OpenServiceMesh.vault.token",
      Change.AT_RESTART,
      null,
      "a Vault token",
      "Token used to authenticate to Vault; required when certificateManager is vault; never"
          + " logged.",
      true),
  VAULT_ROLE(
      "OpenServiceMesh.vault.role",
      Change.AT_RESTART,
      "openservicemesh",
      "a Vault PKI role name without spaces or '/'",
      "Vault PKI role that issues mesh certificates."),
  VAULT_PKI_MOUNT(
      "OpenServiceMesh.vault.pkiMount",
      Change.AT_RESTART,
      "pki",
      Forms.VAULT_MOUNT,
      "Path where Vault's PKI secrets engine is mounted; requests go to /v1/<mount>/issue/<role>."),
  VAULT_CA_FILE(
      "OpenServiceMesh.vault.caFile",
      Change.AT_RESTART,
      null,
      "a path to a file of PEM CA certificates",
      "CA certificates that Vault's HTTPS certificate must chain to, instead of the JVM's default"
          + " trust store; only used when the protocol is https."),
  VAULT_AUTH_METHOD(
      "OpenServiceMesh.vault.authMethod",
      Change.AT_RESTART,
      "token",
      Choices.oneOf(VaultAuthMethod.values(), VaultAuthMethod::configName),
      "How the control plane authenticates to Vault: the static token of"
          + " OpenServiceMesh.vault.token, or a login with its Kubernetes service account."),
  VAULT_KUBERNETES_ROLE(
      "OpenServiceMesh.vault.kubernetesRole",
      Change.AT_RESTART,
      null,
      "a Vault Kubernetes auth role name without spaces or '/'",
      "Role of Vault's Kubernetes auth method to log in with; required when authMethod is"
          + " kubernetes."),
  VAULT_KUBERNETES_MOUNT(
      "OpenServiceMesh.vault.kubernetesMount",
      Change.AT_RESTART,
      "kubernetes",
      Forms.VAULT_MOUNT,
      "Path where Vault's Kubernetes auth method is mounted; the login goes to"
          + " /v1/auth/<mount>/login."),
  VAULT_SERVICE_ACCOUNT_TOKEN_PATH(
      "OpenServiceMesh.vault.serviceAccountTokenPath",
      Change.AT_RESTART,
      "/var/run/secrets/kubernetes.io/serviceaccount/token",
      "a file path",
      "Service account token (JWT) presented to Vault's Kubernetes auth method; read afresh at"
          + " every login because Kubernetes rotates it; never logged."),
  VAULT_REQUEST_TIMEOUT(
      "OpenServiceMesh.vault.requestTimeout",
      Change.AT_RESTART,
      "10s",
      "a duration from 100ms to 5m such as 10s",
      "How long one HTTP request to Vault may take, connecting included, before it counts as"
          + " failed and is retried."),
  VAULT_CA_REFRESH_INTERVAL(
      "OpenServiceMesh.vault.caRefreshInterval",
      Change.AT_RESTART,
      "10m",
      "a duration from 1s to 24h such as 10m",
      "How often Vault's CA is read again, so that a root Vault rotated or added reaches the mesh's"
          + " trust bundle (SDS validation contexts, the webhooks' caBundle) within this time."),
  CERTMANAGER_ISSUER_NAME(
      "OpenServiceMesh.certmanager.issuerName",
      Change.AT_RESTART,
      "osm-ca",
      Forms.OBJECT_NAME,
      "Name of the cert-manager issuer that signs mesh certificates."),
  CERTMANAGER_ISSUER_KIND(
      "OpenServiceMesh.certmanager.issuerKind",
      Change.AT_RESTART,
      "Issuer",
      Choices.oneOf(CertManagerIssuerKind.values(), CertManagerIssuerKind::configName),
      "Kind of the cert-manager issuer: a namespaced Issuer in the OSM namespace or a"
          + " ClusterIssuer."),
  CERTMANAGER_ISSUER_GROUP(
      "OpenServiceMesh.certmanager.issuerGroup",
      Change.AT_RESTART,
      "cert-manager.io",
      "a DNS name such as cert-manager.io",
      "API group of the cert-manager issuer; differs from cert-manager.io only for external"
          + " issuers."),
  CERTMANAGER_REQUEST_TIMEOUT(
      "OpenServiceMesh.certmanager.requestTimeout",
      Change.AT_RESTART,
      "15s",
      "a duration from 1s to 5m such as 15s",
      "How long to wait for cert-manager to sign one CertificateRequest before failing the"
          + " issuance; keep it below the injector webhook's timeout (20s), since a pod's"
          + " bootstrap certificate is issued while the API server waits."),
  CERTMANAGER_KEEP_CERTIFICATE_REQUESTS(
      "OpenServiceMesh.certmanager.keepCertificateRequests",
      Change.AT_RESTART,
      "false",
      Choices.oneOf(List.of("true", "false")),
      "Keep each CertificateRequest after it succeeded or failed instead of deleting it, for"
          + " debugging; kept requests pile up, one per issuance, until deleted by hand."),
  SDS_VERIFY_PROXY_POD(
      "OpenServiceMesh.sds.verifyProxyPod",
      Change.AT_RESTART,
      "true",
      Choices.oneOf(List.of("true", "false")),
      "Whether SDS also requires the pod labelled osm-proxy-uuid=<uuid> to exist with the service"
          + " account its certificate names (only where a Kubernetes API is configured)."),
  SDS_MAX_STREAM_AGE(
      "OpenServiceMesh.sds.maxStreamAge",
      Change.AT_RESTART,
      "30m",
      "a duration from 10s to 24h such as 30m",
      "How long an SDS stream may live before the server closes it and Envoy reconnects; bounds"
          + " how long the stream of a vanished proxy can hold memory."),
  INTERNAL_CERT_VALIDITY_DURATION(
      "OpenServiceMesh.internalCertValidityDuration",
      Change.LIVE,
      "87600h",
      "a positive duration such as 87600h or 8760h",
      "How long xDS bootstrap and admission webhook serving certificates are valid (OSM: 10"
          + " years); at least 10m unless allowShortCertValidity is true."),
  ROTATION_CHECK_INTERVAL(
      "OpenServiceMesh.rotationCheckInterval",
      Change.AT_RESTART,
      "5s",
      "a duration from 1s to 5m such as 5s or 30s",
      "How often the rotation pass looks for certificates due for renewal; every pass also"
          + " proves liveness. The shortest validity must leave at least two passes between the"
          + " latest renewal instant and expiry."),
  ROTATION_RENEW_BEFORE_FRACTION(
      "OpenServiceMesh.rotationRenewBeforeFraction",
      Change.LIVE,
      "1/3",
      "a fraction between 0 and 1, as a decimal such as 0.25 or a ratio such as 1/3",
      "Renew a certificate when this fraction of its lifetime (NotBefore to NotAfter) remains,"
          + " give or take the jitter: 1/3 renews a 24h certificate about 8h before it"
          + " expires."),
  ROTATION_JITTER_FRACTION(
      "OpenServiceMesh.rotationJitterFraction",
      Change.LIVE,
      "0.05",
      "a fraction from 0 to 0.25, as a decimal such as 0.05 or a ratio such as 1/20",
      "How far, as a fraction of the lifetime, each certificate's renewal instant is moved at"
          + " random either side of the renewal point, so that certificates issued together do"
          + " not renew together; renewBeforeFraction minus the jitter must be at least 0.05 and"
          + " renewBeforeFraction plus the jitter at most 0.95."),
  CA_ROTATION_START_FRACTION(
      "OpenServiceMesh.caRotationStartFraction",
      Change.AT_RESTART,
      "0.8",
      "a fraction from 0.5 to 0.95, as a decimal such as 0.8 or a ratio such as 4/5",
      "When the built-in CA's root has used this part of its lifetime, the leading replica starts"
          + " a root rotation on its own (publish the next root, sign with it, retire the old one);"
          + " 0.8 starts a ten-year root's rotation after eight years."),
  ALLOW_SHORT_CERT_VALIDITY(
      "OpenServiceMesh.allowShortCertValidity",
      Change.LIVE,
      "false",
      Choices.oneOf(List.of("true", "false")),
      "For tests only: accept serviceCertValidityDuration and internalCertValidityDuration"
          + " under 10m (down to 1s), so that rotation can be watched within minutes."),
  SIDECAR_IMAGE(
      "OpenServiceMesh.sidecarImage",
      Change.LIVE,
      "envoyproxy/envoy:v1.28.0",
      Forms.IMAGE,
      "Container image of the Envoy sidecar the injector adds to meshed pods."),
  INIT_CONTAINER_IMAGE(
      "OpenServiceMesh.initContainerImage",
      Change.LIVE,
      "openservicemesh/init:v1.2.0",
      Forms.IMAGE,
      "Container image of the init container that redirects the pod's traffic through Envoy with"
          + " iptables; it needs /bin/sh and iptables."),
  ENVOY_LOG_LEVEL(
      "OpenServiceMesh.envoyLogLevel",
      Change.LIVE,
      "error",
      Choices.oneOf(EnvoyLogLevel.names()),
      "Log level of injected Envoy sidecars."),
  OUTBOUND_PORT_EXCLUSION_LIST(
      "OpenServiceMesh.outboundPortExclusionList",
      Change.LIVE,
      "[]",
      "a comma-separated list of ports from 1 to 65535 such as 6379,5432, or [] for none",
      "Outbound destination ports whose traffic bypasses the sidecar (not redirected by the init"
          + " container)."),
  OUTBOUND_IP_RANGE_EXCLUSION_LIST(
      "OpenServiceMesh.outboundIPRangeExclusionList",
      Change.LIVE,
      "[]",
      "a comma-separated list of CIDR ranges such as 10.0.0.0/8,169.254.169.254/32, or [] for"
          + " none",
      "Outbound destination IP ranges whose traffic bypasses the sidecar."),
  ENABLE_PROMETHEUS_SCRAPING(
      "OpenServiceMesh.enablePrometheusScraping",
      Change.LIVE,
      "true",
      Choices.oneOf(List.of("true", "false")),
      "Whether injected pods get the prometheus.io/scrape, port and path annotations that point"
          + " Prometheus at Envoy's statistics."),
  SIDECAR_INJECTION_DEFAULT(
      "OpenServiceMesh.sidecarInjectionDefault",
      Change.LIVE,
      "disabled",
      Choices.oneOf(List.of("enabled", "disabled")),
      "Whether a pod is injected when neither it nor its namespace carries the"
          + " openservicemesh.io/sidecar-injection annotation."),
  BOOTSTRAP_SECRET_GRACE_PERIOD(
      "OpenServiceMesh.bootstrapSecretGracePeriod",
      Change.LIVE,
      "10m",
      "a duration from 5s to 24h such as 10m",
      "How old a bootstrap Secret (envoy-bootstrap-config-<uuid>) must be before it is deleted for having no"
          + " pod; also how often the control plane looks for such Secrets."),
  WEBHOOK_CONFIG_NAME_PREFIX(
      "OpenServiceMesh.webhookConfigNamePrefix",
      Change.AT_RESTART,
      "osm-webhook",
      Forms.OBJECT_NAME,
      "The injector's MutatingWebhookConfiguration is named <prefix>-<osmNamespace>, the config"
          + " validator's ValidatingWebhookConfiguration <prefix>-validator-<osmNamespace>; the control"
          + " plane keeps their caBundle equal to the mesh roots, creating them when absent."),
  WEBHOOK_EXTRA_SERVING_NAMES(
      "OpenServiceMesh.webhook.extraServingNames",
      Change.AT_RESTART,
      "[]",
      "a comma-separated list of DNS names such as osm.example.com,localhost, or [] for none",
      "Extra DNS names in the serving certificate of the webhook port, for API servers that"
          + " call the webhooks by URL rather than through the in-cluster Services."),
  WEBHOOK_CLIENT_CA_FILE(
      "OpenServiceMesh.webhook.clientCaFile",
      Change.AT_RESTART,
      null,
      "a path to a file of PEM CA certificates",
      "CA certificates that sign the client certificate the API server presents to the admission"
          + " webhooks (its AdmissionConfiguration's kubeconfig); when set, the webhook ports ask every"
          + " caller for a certificate and the webhooks answer only callers with one this CA signed."
          + " Unset: no client authentication."),
  WEBHOOK_CLIENT_NAMES(
      "OpenServiceMesh.webhook.clientNames",
      Change.AT_RESTART,
      "[]",
      "a comma-separated list of names such as kube-apiserver-webhook-client (letters, digits and"
          + " '.', '-', '_', ':', '@'), or [] for any",
      "With clientCaFile: the subject CN or DNS SANs the API server's client certificate may carry"
          + " (case-insensitive); a certificate with none of them is refused. Empty: any certificate"
          + " the client CA signed.");

  /** Shown instead of a secret value, everywhere. */
  public static final String REDACTED = "<redacted>";

  /**
   * Other names a setting is read under when its key is not set. The mission's document tells developers to
   * {@code export CERT_MANAGER=tresor} and to set {@code CERT_MANAGER} in the Helm chart.
   */
  private static final Map<Setting, String> ALIASES = Map.of(CERTIFICATE_MANAGER, "CERT_MANAGER");

  /** Whether a running control plane follows a change of the setting. */
  public enum Change {
    /** Read again on each rotation pass and on a live ConfigMap edit: applies to the next issuance or injection. */
    LIVE,
    /** Fixed when the control plane starts: it chooses the CA, its names or the wiring. A change is reported. */
    AT_RESTART
  }

  private final String key;
  private final Change change;
  private final String defaultValue;
  private final String acceptedForm;
  private final String description;
  private final boolean secret;

  Setting(String key, Change change, String defaultValue, String acceptedForm, String description) {
    this(key, change, defaultValue, acceptedForm, description, false);
  }

  Setting(String key, Change change, String defaultValue, String acceptedForm, String description,
      boolean secret) {
    this.key = key;
    this.change = change;
    this.defaultValue = defaultValue;
    this.acceptedForm = acceptedForm;
    this.description = description;
    this.secret = secret;
  }

  /** The other name this setting is read under when its key is unset, e.g. {@code CERT_MANAGER}. */
  public Optional<String> alias() {
    return Optional.ofNullable(ALIASES.get(this));
  }

  /** Whether a running control plane follows a change of this setting (see {@link Change}). */
  public boolean live() {
    return change == Change.LIVE;
  }

  /** The settings a running control plane follows. */
  public static Set<Setting> liveSettings() {
    return Arrays.stream(values()).filter(Setting::live)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Setting.class)));
  }

  /** The MicroProfile Config key, e.g. {@code OpenServiceMesh.vault.host}. */
  public String key() {
    return key;
  }

  /** Empty when the setting has no default. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** What the setting accepts, phrased to follow "must be", e.g. {@code one of [http, https]}. */
  public String acceptedForm() {
    return acceptedForm;
  }

  /** One sentence on what the setting does. */
  public String description() {
    return description;
  }

  public boolean isSecret() {
    return secret;
  }

  /**
   * The environment variable MicroProfile Config maps to this key: every character that is not a
   * letter or digit becomes '_', e.g. {@code OpenServiceMesh_vault_host}.
   */
  public String environmentVariable() {
    return key.replaceAll("[^A-Za-z0-9]", "_");
  }

  /** A stand-in value for examples, from the key's last part, e.g. {@code <host>}. */
  public String placeholder() {
    return "<" + key.substring(key.lastIndexOf('.') + 1) + ">";
  }

  /** The value as it may appear in a message or log: {@link #REDACTED} when secret. */
  public String shown(String value) {
    return secret ? REDACTED : value;
  }

  public static Optional<Setting> forKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
  }

  /** Accepted forms shared by several settings. */
  private static final class Forms {
    static final String OBJECT_NAME =
        "a Kubernetes object name (lowercase letters, digits, '-' and '.', starting and ending with"
            + " a letter or digit, at most 253 characters)";
    static final String KEY_ALGORITHM =
        Choices.oneOf(KeyAlgorithm.values(), KeyAlgorithm::configName);
    static final String VAULT_MOUNT =
        "a Vault mount path such as pki or pki_int/mesh (letters, digits, '-', '_' and '.',"
            + " in segments separated by '/')";
    static final String IMAGE =
        "a container image reference such as registry.example.com/envoy:v1.28.0 (no spaces)";
  }
}

package io.openservicemesh.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Describes the settings in force, one key per line, for the startup log: what an operator needs
 * to confirm that an override took effect. Secrets are shown as {@link Setting#REDACTED}.
 */
public final class EffectiveSettings {

  private static final String NOT_SET = "(not set)";

  private EffectiveSettings() {}

  static String describe(MeshSettings settings) {
    return Arrays.stream(Setting.values())
        .map(setting -> "  " + setting.key() + " = " + valueOf(setting, settings))
        .collect(Collectors.joining("\n", "Effective mesh settings:\n", ""));
  }

  /** Each setting's value in force as shown to a person (secrets {@link Setting#REDACTED}), in the enum's order. */
  public static Map<Setting, String> shownValues(MeshSettings settings) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      values.put(setting, valueOf(setting, settings));
    }
    return values;
  }

  // An exhaustive switch: adding a Setting without saying how to show it does not compile.
  private static String valueOf(Setting setting, MeshSettings s) {
    return switch (setting) {
      case CERTIFICATE_MANAGER -> s.certificateManager().configName();
      case CA_BUNDLE_SECRET_NAME -> s.caBundleSecretName();
      case OSM_NAMESPACE -> s.osmNamespace();
      case TRUST_DOMAIN -> s.trustDomain();
      case SERVICE_CERT_VALIDITY_DURATION -> GoDuration.format(s.serviceCertValidity());
      case CA_VALIDITY_DURATION -> GoDuration.format(s.caValidity());
      case CERT_KEY_ALGORITHM -> s.certKey().algorithm().configName();
      case CA_KEY_ALGORITHM -> s.caKey().algorithm().configName();
      case CERT_KEY_BIT_SIZE -> rsaBits(s);
      case CERT_CLOCK_SKEW_ALLOWANCE -> GoDuration.format(s.clockSkewAllowance());
      case CRYPTO_PROVIDER -> s.cryptoProvider().configName();
      case LOCAL_CA_BUNDLE_DIRECTORY -> s.localCaBundleDirectory().toString();
      case VAULT_HOST -> orNotSet(s.vault().host());
      case VAULT_PROTOCOL -> s.vault().protocol();
      case VAULT_PORT -> String.valueOf(s.vault().port());
      case VAULT_TOKEN -> s.vault().token() == null ? NOT_SET : setting.shown(s.vault().token());
      case VAULT_ROLE -> s.vault().role();
      case VAULT_PKI_MOUNT -> s.vault().pkiMount();
      case VAULT_CA_FILE -> s.vault().caFile() == null ? NOT_SET : s.vault().caFile().toString();
      case VAULT_AUTH_METHOD -> s.vault().authMethod().configName();
      case VAULT_KUBERNETES_ROLE -> orNotSet(s.vault().kubernetesRole());
      case VAULT_KUBERNETES_MOUNT -> s.vault().kubernetesMount();
      case VAULT_SERVICE_ACCOUNT_TOKEN_PATH -> s.vault().serviceAccountTokenPath().toString();
      case VAULT_REQUEST_TIMEOUT -> GoDuration.format(s.vault().requestTimeout());
      case VAULT_CA_REFRESH_INTERVAL -> GoDuration.format(s.vault().caRefreshInterval());
      case CERTMANAGER_ISSUER_NAME -> s.certManager().issuerName();
      case CERTMANAGER_ISSUER_KIND -> s.certManager().issuerKind().configName();
      case CERTMANAGER_ISSUER_GROUP -> s.certManager().issuerGroup();
      case CERTMANAGER_REQUEST_TIMEOUT -> GoDuration.format(s.certManager().requestTimeout());
      case CERTMANAGER_KEEP_CERTIFICATE_REQUESTS ->
          String.valueOf(s.certManager().keepCertificateRequests());
      case SDS_VERIFY_PROXY_POD -> String.valueOf(s.sds().verifyProxyPod());
      case SDS_MAX_STREAM_AGE -> GoDuration.format(s.sds().maxStreamAge());
      case INTERNAL_CERT_VALIDITY_DURATION -> GoDuration.format(s.internalCertValidity());
      case ROTATION_CHECK_INTERVAL -> GoDuration.format(s.rotation().checkInterval());
      case ROTATION_RENEW_BEFORE_FRACTION -> Fractions.format(s.rotation().renewBeforeFraction());
      case ROTATION_JITTER_FRACTION -> Fractions.format(s.rotation().jitterFraction());
      case CA_ROTATION_START_FRACTION -> Fractions.format(s.rotation().caRotationStartFraction());
      case ALLOW_SHORT_CERT_VALIDITY -> String.valueOf(s.rotation().allowShortValidity());
      case SIDECAR_IMAGE -> s.injector().sidecarImage();
      case INIT_CONTAINER_IMAGE -> s.injector().initContainerImage();
      case ENVOY_LOG_LEVEL -> s.injector().envoyLogLevel();
      case OUTBOUND_PORT_EXCLUSION_LIST -> s.injector().outboundPortExclusions().toString();
      case OUTBOUND_IP_RANGE_EXCLUSION_LIST -> s.injector().outboundIpRangeExclusions().toString();
      case ENABLE_PROMETHEUS_SCRAPING -> String.valueOf(s.injector().prometheusScraping());
      case SIDECAR_INJECTION_DEFAULT -> s.injector().injectByDefault() ? "enabled" : "disabled";
      case BOOTSTRAP_SECRET_GRACE_PERIOD -> GoDuration.format(s.injector().bootstrapSecretGracePeriod());
      case WEBHOOK_CONFIG_NAME_PREFIX -> s.webhooks().configNamePrefix();
      case WEBHOOK_EXTRA_SERVING_NAMES -> s.webhooks().extraServingNames().toString();
      case WEBHOOK_CLIENT_CA_FILE -> s.webhooks().clientCaFile().map(Path::toString).orElse(NOT_SET);
      case WEBHOOK_CLIENT_NAMES -> s.webhooks().clientNames().toString();
    };
  }

  /** The size only survives in the key specs, so it is known only when one of them is RSA. */
  private static String rsaBits(MeshSettings s) {
    return Stream.of(s.certKey(), s.caKey())
        .filter(key -> key.algorithm() == KeyAlgorithm.RSA)
        .map(KeySpec::rsaBits)
        .findFirst()
        .map(String::valueOf)
        .orElse("(unused: no key is rsa)");
  }

  private static String orNotSet(String value) {
    return value == null ? NOT_SET : value;
  }
}

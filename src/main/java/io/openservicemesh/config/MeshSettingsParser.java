package io.openservicemesh.config;

import static io.openservicemesh.config.Setting.ALLOW_SHORT_CERT_VALIDITY;
import static io.openservicemesh.config.Setting.CA_BUNDLE_SECRET_NAME;
import static io.openservicemesh.config.Setting.CA_KEY_ALGORITHM;
import static io.openservicemesh.config.Setting.CA_VALIDITY_DURATION;
import static io.openservicemesh.config.Setting.CERTIFICATE_MANAGER;
import static io.openservicemesh.config.Setting.CERTMANAGER_ISSUER_GROUP;
import static io.openservicemesh.config.Setting.CERTMANAGER_ISSUER_KIND;
import static io.openservicemesh.config.Setting.CERTMANAGER_ISSUER_NAME;
import static io.openservicemesh.config.Setting.CERTMANAGER_KEEP_CERTIFICATE_REQUESTS;
import static io.openservicemesh.config.Setting.CERTMANAGER_REQUEST_TIMEOUT;
import static io.openservicemesh.config.Setting.CERT_CLOCK_SKEW_ALLOWANCE;
import static io.openservicemesh.config.Setting.CERT_KEY_ALGORITHM;
import static io.openservicemesh.config.Setting.CERT_KEY_BIT_SIZE;
import static io.openservicemesh.config.Setting.CRYPTO_PROVIDER;
import static io.openservicemesh.config.Setting.INTERNAL_CERT_VALIDITY_DURATION;
import static io.openservicemesh.config.Setting.LOCAL_CA_BUNDLE_DIRECTORY;
import static io.openservicemesh.config.Setting.OSM_NAMESPACE;
import static io.openservicemesh.config.Setting.ROTATION_CHECK_INTERVAL;
import static io.openservicemesh.config.Setting.ROTATION_JITTER_FRACTION;
import static io.openservicemesh.config.Setting.CA_ROTATION_START_FRACTION;
import static io.openservicemesh.config.Setting.ROTATION_RENEW_BEFORE_FRACTION;
import static io.openservicemesh.config.Setting.SDS_MAX_STREAM_AGE;
import static io.openservicemesh.config.Setting.SDS_VERIFY_PROXY_POD;
import static io.openservicemesh.config.Setting.SERVICE_CERT_VALIDITY_DURATION;
import static io.openservicemesh.config.Setting.TRUST_DOMAIN;
import static io.openservicemesh.config.Setting.VAULT_AUTH_METHOD;
import static io.openservicemesh.config.Setting.VAULT_CA_FILE;
import static io.openservicemesh.config.Setting.VAULT_HOST;
import static io.openservicemesh.config.Setting.VAULT_KUBERNETES_MOUNT;
import static io.openservicemesh.config.Setting.VAULT_KUBERNETES_ROLE;
import static io.openservicemesh.config.Setting.VAULT_PKI_MOUNT;
import static io.openservicemesh.config.Setting.VAULT_PORT;
import static io.openservicemesh.config.Setting.VAULT_PROTOCOL;
import static io.openservicemesh.config.Setting.VAULT_CA_REFRESH_INTERVAL;
import static io.openservicemesh.config.Setting.VAULT_REQUEST_TIMEOUT;
import static io.openservicemesh.config.Setting.VAULT_ROLE;
import static io.openservicemesh.config.Setting.VAULT_SERVICE_ACCOUNT_TOKEN_PATH;
import static io.openservicemesh.config.Setting.VAULT_TOKEN;
import static io.openservicemesh.config.Setting.ENABLE_PROMETHEUS_SCRAPING;
import static io.openservicemesh.config.Setting.ENVOY_LOG_LEVEL;
import static io.openservicemesh.config.Setting.INIT_CONTAINER_IMAGE;
import static io.openservicemesh.config.Setting.OUTBOUND_IP_RANGE_EXCLUSION_LIST;
import static io.openservicemesh.config.Setting.OUTBOUND_PORT_EXCLUSION_LIST;
import static io.openservicemesh.config.Setting.SIDECAR_IMAGE;
import static io.openservicemesh.config.Setting.BOOTSTRAP_SECRET_GRACE_PERIOD;
import static io.openservicemesh.config.Setting.SIDECAR_INJECTION_DEFAULT;
import static io.openservicemesh.config.Setting.WEBHOOK_CONFIG_NAME_PREFIX;
import static io.openservicemesh.config.Setting.WEBHOOK_CLIENT_CA_FILE;
import static io.openservicemesh.config.Setting.WEBHOOK_CLIENT_NAMES;
import static io.openservicemesh.config.Setting.WEBHOOK_EXTRA_SERVING_NAMES;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Turns raw configuration text into {@link MeshSettings}, or into the list of what is wrong. */
public final class MeshSettingsParser {

  /**
   * Shortest leaf validity in production. Below it a renewal that meets a briefly unavailable CA (a
   * Vault failover, an API server restart) has too little time left to retry before the certificate
   * expires.
   */
  static final Duration MIN_CERT_VALIDITY = Duration.ofMinutes(10);

  /**
   * Shortest leaf validity when short validities are allowed, for tests that watch rotation happen.
   */
  static final Duration MIN_SHORT_CERT_VALIDITY = Duration.ofSeconds(1);

  static final Duration MIN_CA_VALIDITY = Duration.ofHours(1);
  static final Duration MAX_CLOCK_SKEW_ALLOWANCE = Duration.ofHours(1);
  static final Duration MIN_BOOTSTRAP_SECRET_GRACE = Duration.ofSeconds(5);
  static final Duration MAX_BOOTSTRAP_SECRET_GRACE = Duration.ofHours(24);
  static final Duration MIN_ROTATION_CHECK_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_ROTATION_CHECK_INTERVAL = Duration.ofMinutes(5);
  static final double MAX_JITTER_FRACTION = 0.25;

  /**
   * The jittered renewal window must leave at least this fraction of the lifetime before expiry
   * (time to retry a failed renewal) and after issuance (no renewal right after a certificate was
   * made).
   */
  static final double MIN_LIFETIME_FRACTION_AROUND_RENEWAL = 0.05;

  /** The latest renewal instant must come at least this many rotation passes before expiry. */
  static final int MIN_PASSES_BEFORE_EXPIRY = 2;
  static final Duration MIN_CERTMANAGER_REQUEST_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_CERTMANAGER_REQUEST_TIMEOUT = Duration.ofMinutes(5);
  static final Duration MIN_SDS_STREAM_AGE = Duration.ofSeconds(10);
  static final Duration MAX_SDS_STREAM_AGE = Duration.ofHours(24);
  static final Duration MIN_VAULT_REQUEST_TIMEOUT = Duration.ofMillis(100);
  static final Duration MAX_VAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
  static final Duration MIN_VAULT_CA_REFRESH = Duration.ofSeconds(1);
  static final Duration MAX_VAULT_CA_REFRESH = Duration.ofHours(24);

  private MeshSettingsParser() {}

  /**
   * Reads every {@link Setting} through {@code lookup} and reports every bad value, not just the
   * first.
   *
   * @param lookup the raw text of a key; empty, or blank, when it is not set
   */
  public static ParseResult parse(Function<String, Optional<String>> lookup) {
    SettingReader reader = new SettingReader(lookup);

    Optional<IssuerBackendKind> manager =
        reader.read(CERTIFICATE_MANAGER, ValueRules.certificateManager());
    Optional<String> caBundleSecretName =
        reader.read(CA_BUNDLE_SECRET_NAME, ValueRules.kubernetesObjectName());
    Optional<String> osmNamespace = reader.read(OSM_NAMESPACE, ValueRules.dnsLabel());
    Optional<String> trustDomain = reader.read(TRUST_DOMAIN, ValueRules.dnsName());
    Optional<Boolean> allowShortValidity =
        reader.read(ALLOW_SHORT_CERT_VALIDITY, ValueRules.bool());
    ValueRule<Duration> certValidity = certValidityRule(allowShortValidity.orElse(false));
    Optional<Duration> serviceCertValidity =
        reader.read(SERVICE_CERT_VALIDITY_DURATION, certValidity);
    Optional<Duration> internalCertValidity =
        reader.read(INTERNAL_CERT_VALIDITY_DURATION, certValidity);
    Optional<Duration> caValidity =
        reader.read(CA_VALIDITY_DURATION, ValueRules.positiveDuration(MIN_CA_VALIDITY));
    Optional<KeyAlgorithm> certKeyAlgorithm =
        reader.read(CERT_KEY_ALGORITHM, ValueRules.keyAlgorithm());
    Optional<KeyAlgorithm> caKeyAlgorithm =
        reader.read(CA_KEY_ALGORITHM, ValueRules.keyAlgorithm());
    Optional<Integer> rsaBits = reader.read(CERT_KEY_BIT_SIZE, ValueRules.rsaKeyBits());
    Optional<Duration> clockSkewAllowance =
        reader.read(
            CERT_CLOCK_SKEW_ALLOWANCE,
            ValueRules.durationBetween(Duration.ZERO, MAX_CLOCK_SKEW_ALLOWANCE));
    Optional<CryptoProviderChoice> cryptoProvider =
        reader.read(CRYPTO_PROVIDER, ValueRules.cryptoProvider());
    Optional<Path> localCaBundleDirectory =
        reader.read(LOCAL_CA_BUNDLE_DIRECTORY, ValueRules.directory());

    // Vault and cert-manager values are checked even when another manager is chosen: a typo is
    // cheaper to fix now than on the day someone switches managers.
    Optional<String> vaultHost = reader.read(VAULT_HOST, ValueRules.vaultHost());
    Optional<String> vaultProtocol = reader.read(VAULT_PROTOCOL, ValueRules.vaultProtocol());
    Optional<Integer> vaultPort = reader.read(VAULT_PORT, ValueRules.port());
    Optional<String> vaultToken = reader.read(VAULT_TOKEN, ValueRules.anyText());
    Optional<String> vaultRole = reader.read(VAULT_ROLE, ValueRules.vaultRole());
    Optional<String> vaultPkiMount = reader.read(VAULT_PKI_MOUNT, ValueRules.vaultMountPath());
    Optional<Path> vaultCaFile = reader.read(VAULT_CA_FILE, ValueRules.file());
    Optional<VaultAuthMethod> vaultAuthMethod =
        reader.read(VAULT_AUTH_METHOD, ValueRules.vaultAuthMethod());
    Optional<String> vaultKubernetesRole =
        reader.read(VAULT_KUBERNETES_ROLE, ValueRules.vaultRole());
    Optional<String> vaultKubernetesMount =
        reader.read(VAULT_KUBERNETES_MOUNT, ValueRules.vaultMountPath());
    Optional<Path> vaultServiceAccountTokenPath =
        reader.read(VAULT_SERVICE_ACCOUNT_TOKEN_PATH, ValueRules.file());
    Optional<Duration> vaultCaRefreshInterval =
        reader.read(VAULT_CA_REFRESH_INTERVAL, ValueRules.durationBetween(MIN_VAULT_CA_REFRESH, MAX_VAULT_CA_REFRESH));
    Optional<Duration> vaultRequestTimeout =
        reader.read(
            VAULT_REQUEST_TIMEOUT,
            ValueRules.durationBetween(MIN_VAULT_REQUEST_TIMEOUT, MAX_VAULT_REQUEST_TIMEOUT));
    if (manager.equals(Optional.of(IssuerBackendKind.VAULT))) {
      requireVaultSettings(reader, vaultProtocol, vaultAuthMethod);
    }

    Optional<Duration> rotationCheckInterval =
        reader.read(
            ROTATION_CHECK_INTERVAL,
            ValueRules.durationBetween(MIN_ROTATION_CHECK_INTERVAL, MAX_ROTATION_CHECK_INTERVAL));
    Optional<Double> renewBeforeFraction =
        reader.read(ROTATION_RENEW_BEFORE_FRACTION, ValueRules.fraction(0, false, 1, false));
    Optional<Double> jitterFraction =
        reader.read(
            ROTATION_JITTER_FRACTION, ValueRules.fraction(0, true, MAX_JITTER_FRACTION, true));
    Optional<Double> caRotationStartFraction =
        reader.read(CA_ROTATION_START_FRACTION, ValueRules.fraction(0.5, true, 0.95, true));
    if (renewBeforeFraction.isPresent() && jitterFraction.isPresent()) {
      renewalWindowProblem(renewBeforeFraction.get(), jitterFraction.get())
          .ifPresent(reader::reject);
      if (rotationCheckInterval.isPresent()) {
        double leadFraction = renewBeforeFraction.get() - jitterFraction.get();
        Duration interval = rotationCheckInterval.get();
        serviceCertValidity
            .flatMap(
                v -> renewalLeadProblem(SERVICE_CERT_VALIDITY_DURATION, v, leadFraction, interval))
            .ifPresent(reader::reject);
        internalCertValidity
            .flatMap(
                v -> renewalLeadProblem(INTERNAL_CERT_VALIDITY_DURATION, v, leadFraction, interval))
            .ifPresent(reader::reject);
      }
    }

    Optional<String> issuerName =
        reader.read(CERTMANAGER_ISSUER_NAME, ValueRules.kubernetesObjectName());
    Optional<CertManagerIssuerKind> issuerKind = reader.read(CERTMANAGER_ISSUER_KIND, ValueRules.issuerKind());
    Optional<String> issuerGroup = reader.read(CERTMANAGER_ISSUER_GROUP, ValueRules.dnsName());
    Optional<Duration> requestTimeout =
        reader.read(
            CERTMANAGER_REQUEST_TIMEOUT,
            ValueRules.durationBetween(
                MIN_CERTMANAGER_REQUEST_TIMEOUT, MAX_CERTMANAGER_REQUEST_TIMEOUT));
    Optional<Boolean> keepCertificateRequests =
        reader.read(CERTMANAGER_KEEP_CERTIFICATE_REQUESTS, ValueRules.bool());

    Optional<Boolean> verifyProxyPod = reader.read(SDS_VERIFY_PROXY_POD, ValueRules.bool());
    Optional<Duration> maxStreamAge =
        reader.read(
            SDS_MAX_STREAM_AGE, ValueRules.durationBetween(MIN_SDS_STREAM_AGE, MAX_SDS_STREAM_AGE));

    Optional<String> sidecarImage = reader.read(SIDECAR_IMAGE, ValueRules.image());
    Optional<String> initImage = reader.read(INIT_CONTAINER_IMAGE, ValueRules.image());
    Optional<String> envoyLogLevel = reader.read(ENVOY_LOG_LEVEL, ValueRules.envoyLogLevel());
    Optional<List<Integer>> portExclusions =
        reader.read(OUTBOUND_PORT_EXCLUSION_LIST, ValueRules.portList());
    Optional<List<String>> ipRangeExclusions =
        reader.read(OUTBOUND_IP_RANGE_EXCLUSION_LIST, ValueRules.cidrList());
    Optional<Boolean> prometheusScraping =
        reader.read(ENABLE_PROMETHEUS_SCRAPING, ValueRules.bool());
    Optional<Boolean> injectByDefault =
        reader.read(SIDECAR_INJECTION_DEFAULT, ValueRules.enabledOrDisabled());
    Optional<Duration> bootstrapSecretGracePeriod = reader.read(BOOTSTRAP_SECRET_GRACE_PERIOD,
        ValueRules.durationBetween(MIN_BOOTSTRAP_SECRET_GRACE, MAX_BOOTSTRAP_SECRET_GRACE));
    Optional<String> webhookConfigNamePrefix =
        reader.read(WEBHOOK_CONFIG_NAME_PREFIX, ValueRules.kubernetesObjectName());
    Optional<List<String>> extraServingNames =
        reader.read(WEBHOOK_EXTRA_SERVING_NAMES, ValueRules.dnsNameList());
    Optional<Path> webhookClientCaFile = reader.read(WEBHOOK_CLIENT_CA_FILE, ValueRules.file());
    Optional<List<String>> webhookClientNames =
        reader.read(WEBHOOK_CLIENT_NAMES, ValueRules.certificateNameList());
    webhookClientNames.filter(names -> !names.isEmpty() && webhookClientCaFile.isEmpty()).ifPresent(names ->
        reader.reject(new ConfigProblem(WEBHOOK_CLIENT_NAMES.key(), WEBHOOK_CLIENT_NAMES.key() + " " + names
            + " is only checked on certificates the client CA signed: set " + WEBHOOK_CLIENT_CA_FILE.key()
            + " too, or leave the names empty")));

    if (!reader.problems().isEmpty()) {
      return ParseResult.invalid(reader.problems());
    }
    // No problems means every setting with a default was read, so get() cannot fail below.
    return ParseResult.valid(
        new MeshSettings(
            manager.get(),
            caBundleSecretName.get(),
            osmNamespace.get(),
            trustDomain.get(),
            serviceCertValidity.get(),
            caValidity.get(),
            keySpec(certKeyAlgorithm.get(), rsaBits.get()),
            keySpec(caKeyAlgorithm.get(), rsaBits.get()),
            clockSkewAllowance.get(),
            localCaBundleDirectory.get(),
            new VaultSettings(
                vaultHost.orElse(null),
                vaultProtocol.get(),
                vaultPort.get(),
                vaultToken.orElse(null),
                vaultRole.get(),
                vaultPkiMount.get(),
                vaultCaFile.orElse(null),
                vaultAuthMethod.get(),
                vaultKubernetesRole.orElse(null),
                vaultKubernetesMount.get(),
                vaultServiceAccountTokenPath.get(),
                vaultRequestTimeout.get(),
                vaultCaRefreshInterval.get()),
            new CertManagerSettings(
                issuerName.get(),
                issuerKind.get(),
                issuerGroup.get(),
                requestTimeout.get(),
                keepCertificateRequests.get()),
            new SdsSettings(verifyProxyPod.get(), maxStreamAge.get()),
            internalCertValidity.get(),
            new RotationSettings(
                rotationCheckInterval.get(),
                renewBeforeFraction.get(),
                jitterFraction.get(),
                allowShortValidity.get(),
                caRotationStartFraction.get()),
            new InjectorSettings(
                sidecarImage.get(),
                initImage.get(),
                envoyLogLevel.get(),
                portExclusions.get(),
                ipRangeExclusions.get(),
                prometheusScraping.get(),
                injectByDefault.get(),
                bootstrapSecretGracePeriod.get()),
            new WebhookSettings(webhookConfigNamePrefix.get(), extraServingNames.get(), webhookClientCaFile,
                webhookClientNames.get()),
            cryptoProvider.get()));
  }

  private static ValueRule<Duration> certValidityRule(boolean allowShort) {
    if (allowShort) {
      return ValueRules.positiveDuration(MIN_SHORT_CERT_VALIDITY);
    }
    return ValueRules.positiveDuration(
        MIN_CERT_VALIDITY,
        "for tests only, "
            + ALLOW_SHORT_CERT_VALIDITY.key()
            + "=true allows down to "
            + GoDuration.format(MIN_SHORT_CERT_VALIDITY));
  }

  /**
   * The jittered renewal window must sit inside the lifetime with room on both sides: renewing in
   * the last few percent leaves no time to retry, renewing in the first few percent churns
   * certificates.
   */
  private static Optional<ConfigProblem> renewalWindowProblem(double renewBefore, double jitter) {
    double margin = MIN_LIFETIME_FRACTION_AROUND_RENEWAL;
    // A small tolerance, so that e.g. 0.1 - 0.05 is not refused for being 0.04999999999999999.
    double tolerance = 1e-9;
    if (renewBefore - jitter >= margin - tolerance
        && renewBefore + jitter <= 1 - margin + tolerance) {
      return Optional.empty();
    }
    return Optional.of(
        new ConfigProblem(
            ROTATION_JITTER_FRACTION.key(),
            ROTATION_JITTER_FRACTION.key()
                + " of "
                + Fractions.format(jitter)
                + " with "
                + ROTATION_RENEW_BEFORE_FRACTION.key()
                + " of "
                + Fractions.format(renewBefore)
                + " would renew some certificates with less than "
                + Fractions.format(margin)
                + " of their lifetime left, or within the first "
                + Fractions.format(margin)
                + " of it: keep renewBeforeFraction - jitter >= "
                + Fractions.format(margin)
                + " and renewBeforeFraction + jitter <= "
                + Fractions.format(1 - margin)));
  }

  /**
   * The latest (jittered) renewal instant must come at least {@link #MIN_PASSES_BEFORE_EXPIRY}
   * rotation passes before expiry, or a certificate could expire before a pass sees it due.
   */
  private static Optional<ConfigProblem> renewalLeadProblem(
      Setting validitySetting, Duration validity, double leadFraction, Duration checkInterval) {
    Duration lead = Duration.ofNanos((long) (validity.toNanos() * leadFraction));
    Duration needed = checkInterval.multipliedBy(MIN_PASSES_BEFORE_EXPIRY);
    if (lead.compareTo(needed) >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new ConfigProblem(
            validitySetting.key(),
            validitySetting.key()
                + " of "
                + GoDuration.format(validity)
                + " leaves "
                + GoDuration.format(lead.truncatedTo(ChronoUnit.MILLIS))
                + " between the latest renewal and expiry, less than "
                + MIN_PASSES_BEFORE_EXPIRY
                + " rotation passes ("
                + ROTATION_CHECK_INTERVAL.key()
                + " is "
                + GoDuration.format(checkInterval)
                + "): lengthen the validity or shorten the interval"));
  }

  /**
   * What Vault needs besides its defaults: a host, and the credentials of the chosen auth method.
   * Settings that the chosen protocol or auth method would ignore are refused rather than ignored,
   * since whoever set them expected them to matter (a CA file over plain http, a static token
   * alongside Kubernetes auth).
   */
  private static void requireVaultSettings(
      SettingReader reader, Optional<String> protocol, Optional<VaultAuthMethod> authMethod) {
    String vault = IssuerBackendKind.VAULT.configName();
    reader.require(VAULT_HOST, CERTIFICATE_MANAGER, vault);
    reader.require(VAULT_ROLE, CERTIFICATE_MANAGER, vault);
    protocol.ifPresent(
        p -> reader.rejectUnless(p.equals("https"), VAULT_CA_FILE, VAULT_PROTOCOL, "https", p));
    authMethod.ifPresent(
        method -> {
          String token = VaultAuthMethod.TOKEN.configName();
          if (method == VaultAuthMethod.TOKEN) {
            reader.require(VAULT_TOKEN, CERTIFICATE_MANAGER, vault);
          } else {
            reader.require(
                VAULT_KUBERNETES_ROLE, VAULT_AUTH_METHOD, VaultAuthMethod.KUBERNETES.configName());
          }
          reader.rejectUnless(
              method == VaultAuthMethod.TOKEN,
              VAULT_TOKEN,
              VAULT_AUTH_METHOD,
              token,
              method.configName());
        });
  }

  private static KeySpec keySpec(KeyAlgorithm algorithm, int rsaBits) {
    return algorithm == KeyAlgorithm.RSA ? KeySpec.rsa(rsaBits) : new KeySpec(algorithm, 0);
  }
}

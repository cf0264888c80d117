package io.openservicemesh.config;

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
import static io.openservicemesh.config.Setting.LOCAL_CA_BUNDLE_DIRECTORY;
import static io.openservicemesh.config.Setting.SDS_MAX_STREAM_AGE;
import static io.openservicemesh.config.Setting.SDS_VERIFY_PROXY_POD;
import static io.openservicemesh.config.Setting.OSM_NAMESPACE;
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
import static io.openservicemesh.config.Setting.VAULT_REQUEST_TIMEOUT;
import static io.openservicemesh.config.Setting.VAULT_ROLE;
import static io.openservicemesh.config.Setting.VAULT_SERVICE_ACCOUNT_TOKEN_PATH;
import static io.openservicemesh.config.Setting.VAULT_TOKEN;

import io.openservicemesh.certificate.KeyAlgorithm;
import io.openservicemesh.certificate.KeySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** Turns raw configuration text into {@link MeshSettings}, or into the list of what is wrong. */
public final class MeshSettingsParser {

  static final Duration MIN_SERVICE_CERT_VALIDITY = Duration.ofSeconds(1);
  static final Duration MIN_CA_VALIDITY = Duration.ofHours(1);
  static final Duration MAX_CLOCK_SKEW_ALLOWANCE = Duration.ofHours(1);
  static final Duration MIN_CERTMANAGER_REQUEST_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_CERTMANAGER_REQUEST_TIMEOUT = Duration.ofMinutes(5);
  static final Duration MIN_SDS_STREAM_AGE = Duration.ofSeconds(10);
  static final Duration MAX_SDS_STREAM_AGE = Duration.ofHours(24);
  static final Duration MIN_VAULT_REQUEST_TIMEOUT = Duration.ofMillis(100);
  static final Duration MAX_VAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);

  private MeshSettingsParser() {}

  /**
   * Reads every {@link Setting} through {@code lookup} and reports every bad value, not just the
   * first.
   *
   * @param lookup the raw text of a key; empty, or blank, when it is not set
   */
  public static ParseResult parse(Function<String, Optional<String>> lookup) {
    SettingReader reader = new SettingReader(lookup);

    Optional<CertificateManagerKind> manager =
        reader.read(CERTIFICATE_MANAGER, ValueRules.certificateManager());
    Optional<String> caBundleSecretName =
        reader.read(CA_BUNDLE_SECRET_NAME, ValueRules.kubernetesObjectName());
    Optional<String> osmNamespace = reader.read(OSM_NAMESPACE, ValueRules.dnsLabel());
    Optional<String> trustDomain = reader.read(TRUST_DOMAIN, ValueRules.dnsName());
    Optional<Duration> serviceCertValidity =
        reader.read(
            SERVICE_CERT_VALIDITY_DURATION,
            ValueRules.positiveDuration(MIN_SERVICE_CERT_VALIDITY));
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
    Optional<Duration> vaultRequestTimeout =
        reader.read(
            VAULT_REQUEST_TIMEOUT,
            ValueRules.durationBetween(MIN_VAULT_REQUEST_TIMEOUT, MAX_VAULT_REQUEST_TIMEOUT));
    if (manager.equals(Optional.of(CertificateManagerKind.VAULT))) {
      requireVaultSettings(reader, vaultProtocol, vaultAuthMethod);
    }

    Optional<String> issuerName =
        reader.read(CERTMANAGER_ISSUER_NAME, ValueRules.kubernetesObjectName());
    Optional<IssuerKind> issuerKind = reader.read(CERTMANAGER_ISSUER_KIND, ValueRules.issuerKind());
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
        reader.read(SDS_MAX_STREAM_AGE, ValueRules.durationBetween(MIN_SDS_STREAM_AGE, MAX_SDS_STREAM_AGE));

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
                vaultRequestTimeout.get()),
            new CertManagerSettings(
                issuerName.get(),
                issuerKind.get(),
                issuerGroup.get(),
                requestTimeout.get(),
                keepCertificateRequests.get()),
            new SdsSettings(verifyProxyPod.get(), maxStreamAge.get())));
  }

  /**
   * What Vault needs besides its defaults: a host, and the credentials of the chosen auth method.
   * Settings that the chosen protocol or auth method would ignore are refused rather than ignored,
   * since whoever set them expected them to matter (a CA file over plain http, a static token
   * alongside Kubernetes auth).
   */
  private static void requireVaultSettings(
      SettingReader reader, Optional<String> protocol, Optional<VaultAuthMethod> authMethod) {
    String vault = CertificateManagerKind.VAULT.configName();
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

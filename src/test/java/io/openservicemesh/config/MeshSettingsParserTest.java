package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MeshSettingsParserTest {

  private static final String TOKEN = "hvs.CAESIJustForTheTest42";

  private static ParseResult parse(Map<String, String> values) {
    return MeshSettingsParser.parse(key -> Optional.ofNullable(values.get(key)));
  }

  private static ParseResult parse(String key, String value) {
    return parse(Map.of(key, value));
  }

  /** The Vault settings with every default beyond the mission's four keys. */
  private static VaultSettings defaultVault(String host, String protocol, int port, String token) {
    return new VaultSettings(
        host,
        protocol,
        port,
        token,
        "openservicemesh",
        "pki",
        null,
        VaultAuthMethod.TOKEN,
        null,
        "kubernetes",
        Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"),
        Duration.ofSeconds(10),
        Duration.ofMinutes(10));
  }

  private static MeshSettings valid(Map<String, String> values) {
    ParseResult result = parse(values);
    assertThat(result.problems()).isEmpty();
    return result.settings().orElseThrow();
  }

  @Test
  void theMissionsCertManagerVariableSelectsTheCertificateManager() {
    MeshSettings settings = valid(Map.of("CERT_MANAGER", "cert-manager"));

    assertThat(settings.certificateManager()).isEqualTo(IssuerBackendKind.CERT_MANAGER);
  }

  @Test
  void theKeyWinsOverCertManager() {
    MeshSettings settings = valid(Map.of("CERT_MANAGER", "cert-manager", "OpenServiceMesh.certificateManager", "tresor"));

    assertThat(settings.certificateManager()).isEqualTo(IssuerBackendKind.TRESOR);
  }

  @Test
  void anUnknownCertManagerIsRefusedUnderTheNameItWasGivenWithTheAcceptedValues() {
    ParseResult result = parse("CERT_MANAGER", "foo");

    assertThat(result.problems()).extracting(ConfigProblem::message).containsExactly(
        "CERT_MANAGER (another name for OpenServiceMesh.certificateManager) must be one of [tresor, vault,"
            + " cert-manager], got foo");
  }

  @Test
  void aBlankCertManagerMeansTheDefault() {
    assertThat(valid(Map.of("CERT_MANAGER", " ")).certificateManager()).isEqualTo(IssuerBackendKind.TRESOR);
  }

  @Test
  void nothingSetGivesTheDefaults() {
    MeshSettings settings = valid(Map.of());

    assertThat(settings)
        .isEqualTo(
            new MeshSettings(
                IssuerBackendKind.TRESOR,
                "osm-ca-bundle",
                "osm-system",
                "cluster.local",
                Duration.ofHours(24),
                Duration.ofHours(87_600),
                KeySpec.ECDSA_P256,
                KeySpec.ECDSA_P256,
                Duration.ofMinutes(1),
                Path.of("osm-ca-bundle"),
                defaultVault(null, "https", 8200, null),
                new CertManagerSettings(
                    "osm-ca", CertManagerIssuerKind.ISSUER, "cert-manager.io", Duration.ofSeconds(15), false),
                new SdsSettings(true, Duration.ofMinutes(30)),
                Duration.ofHours(87_600),
                new RotationSettings(Duration.ofSeconds(5), 1.0 / 3, 0.05, false, 0.8),
                new InjectorSettings(
                    "envoyproxy/envoy:v1.28.0",
                    "openservicemesh/init:v1.2.0",
                    "error",
                    List.of(),
                    List.of(),
                    true,
                    false,
                    Duration.ofMinutes(10)),
                new WebhookSettings("osm-webhook", List.of()),
                CryptoProviderChoice.AUTO));
  }

  @Test
  void sdsSettingsAreCheckedAndTyped() {
    MeshSettings settings =
        valid(
            Map.of(
                "OpenServiceMesh.sds.verifyProxyPod", "FALSE",
                "OpenServiceMesh.sds.maxStreamAge", "10s"));
    assertThat(settings.sds()).isEqualTo(new SdsSettings(false, Duration.ofSeconds(10)));

    assertThat(
            parse(
                    Map.of(
                        "OpenServiceMesh.sds.verifyProxyPod", "maybe",
                        "OpenServiceMesh.sds.maxStreamAge", "1s"))
                .problems())
        .extracting(ConfigProblem::key)
        .containsExactlyInAnyOrder(
            "OpenServiceMesh.sds.verifyProxyPod", "OpenServiceMesh.sds.maxStreamAge");
  }

  @Test
  void asksForEverySettingByItsKeyAndItsAlias() {
    Set<String> asked = new HashSet<>();
    MeshSettingsParser.parse(
        key -> {
          asked.add(key);
          return Optional.empty();
        });

    assertThat(asked).isEqualTo(Arrays.stream(Setting.values())
        .flatMap(setting -> Stream.concat(Stream.of(setting.key()), setting.alias().stream()))
        .collect(Collectors.toSet()));
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(
            "OpenServiceMesh.vault.protocol",
            "ftp",
            "OpenServiceMesh.vault.protocol must be one of [http, https], got ftp"),
        Arguments.of(
            "OpenServiceMesh.certificateManager",
            "istio",
            "OpenServiceMesh.certificateManager must be one of [tresor, vault, cert-manager],"
                + " got istio"),
        Arguments.of(
            "OpenServiceMesh.serviceCertValidityDuration",
            "1x",
            "OpenServiceMesh.serviceCertValidityDuration must be a positive duration such as 24h,"
                + " 30m, 1.5h or 1h30m, got 1x (unknown unit \"x\")"),
        Arguments.of(
            "OpenServiceMesh.serviceCertValidityDuration",
            "24",
            "OpenServiceMesh.serviceCertValidityDuration must be a positive duration such as 24h,"
                + " 30m, 1.5h or 1h30m, got 24 (missing unit after \"24\")"),
        Arguments.of(
            "OpenServiceMesh.serviceCertValidityDuration",
            "0",
            "OpenServiceMesh.serviceCertValidityDuration must be a positive duration such as 24h,"
                + " 30m, 1.5h or 1h30m, got 0"),
        Arguments.of(
            "OpenServiceMesh.serviceCertValidityDuration",
            "-1h",
            "OpenServiceMesh.serviceCertValidityDuration must be a positive duration such as 24h,"
                + " 30m, 1.5h or 1h30m, got \"-1h\""),
        Arguments.of(
            "OpenServiceMesh.serviceCertValidityDuration",
            "9m59s",
            "OpenServiceMesh.serviceCertValidityDuration must be a positive duration such as 24h,"
                + " 30m, 1.5h or 1h30m, got 9m59s (the minimum is 10m0s; for tests only,"
                + " OpenServiceMesh.allowShortCertValidity=true allows down to 1s)"),
        Arguments.of(
            "OpenServiceMesh.internalCertValidityDuration",
            "2m",
            "OpenServiceMesh.internalCertValidityDuration must be a positive duration such as 87600h"
                + " or 8760h, got 2m (the minimum is 10m0s; for tests only,"
                + " OpenServiceMesh.allowShortCertValidity=true allows down to 1s)"),
        Arguments.of(
            "OpenServiceMesh.allowShortCertValidity",
            "yes",
            "OpenServiceMesh.allowShortCertValidity must be one of [true, false], got yes"),
        Arguments.of(
            "OpenServiceMesh.rotationCheckInterval",
            "500ms",
            "OpenServiceMesh.rotationCheckInterval must be a duration from 1s to 5m such as 5s or"
                + " 30s, got 500ms"),
        Arguments.of(
            "OpenServiceMesh.rotationCheckInterval",
            "6m",
            "OpenServiceMesh.rotationCheckInterval must be a duration from 1s to 5m such as 5s or"
                + " 30s, got 6m"),
        Arguments.of(
            "OpenServiceMesh.rotationRenewBeforeFraction",
            "1",
            "OpenServiceMesh.rotationRenewBeforeFraction must be a fraction between 0 and 1, as a"
                + " decimal such as 0.25 or a ratio such as 1/3, got 1"),
        Arguments.of(
            "OpenServiceMesh.rotationRenewBeforeFraction",
            "1/0",
            "OpenServiceMesh.rotationRenewBeforeFraction must be a fraction between 0 and 1, as a"
                + " decimal such as 0.25 or a ratio such as 1/3, got \"1/0\" (division by zero)"),
        Arguments.of(
            "OpenServiceMesh.rotationJitterFraction",
            "0.3",
            "OpenServiceMesh.rotationJitterFraction must be a fraction from 0 to 0.25, as a decimal"
                + " such as 0.05 or a ratio such as 1/20, got 0.3"),
        Arguments.of(
            "OpenServiceMesh.caValidityDuration",
            "30m",
            "OpenServiceMesh.caValidityDuration must be a positive duration such as 87600h or"
                + " 8760h, got 30m (the minimum is 1h0m0s)"),
        Arguments.of(
            "OpenServiceMesh.certKeyBitSize",
            "1024",
            "OpenServiceMesh.certKeyBitSize must be one of [2048, 3072, 4096], got 1024"),
        Arguments.of(
            "OpenServiceMesh.certKeyAlgorithm",
            "dsa",
            "OpenServiceMesh.certKeyAlgorithm must be one of [ecdsa-p256, ecdsa-p384, rsa],"
                + " got dsa"),
        Arguments.of(
            "OpenServiceMesh.certmanager.issuerKind",
            "issuer",
            "OpenServiceMesh.certmanager.issuerKind must be one of [Issuer, ClusterIssuer],"
                + " got issuer (the kind is case-sensitive; did you mean Issuer?)"),
        Arguments.of(
            "OpenServiceMesh.certmanager.issuerKind",
            "Certificate",
            "OpenServiceMesh.certmanager.issuerKind must be one of [Issuer, ClusterIssuer],"
                + " got Certificate"),
        Arguments.of(
            "OpenServiceMesh.certmanager.requestTimeout",
            "500ms",
            "OpenServiceMesh.certmanager.requestTimeout must be a duration from 1s to 5m such as"
                + " 15s, got 500ms"),
        Arguments.of(
            "OpenServiceMesh.certmanager.requestTimeout",
            "10m",
            "OpenServiceMesh.certmanager.requestTimeout must be a duration from 1s to 5m such as"
                + " 15s, got 10m"),
        Arguments.of(
            "OpenServiceMesh.certmanager.requestTimeout",
            "15",
            "OpenServiceMesh.certmanager.requestTimeout must be a duration from 1s to 5m such as"
                + " 15s, got 15 (missing unit after \"15\")"),
        Arguments.of(
            "OpenServiceMesh.certmanager.keepCertificateRequests",
            "yes",
            "OpenServiceMesh.certmanager.keepCertificateRequests must be one of [true, false],"
                + " got yes"),
        Arguments.of(
            "OpenServiceMesh.vault.port",
            "70000",
            "OpenServiceMesh.vault.port must be an integer from 1 to 65535, got 70000"),
        Arguments.of(
            "OpenServiceMesh.vault.port",
            "abc",
            "OpenServiceMesh.vault.port must be an integer from 1 to 65535, got abc"),
        Arguments.of(
            "OpenServiceMesh.certClockSkewAllowance",
            "2h",
            "OpenServiceMesh.certClockSkewAllowance must be a duration from 0 to 1h such as 30s"
                + " or 1m, got 2h"),
        Arguments.of(
            "OpenServiceMesh.certClockSkewAllowance",
            "-1m",
            "OpenServiceMesh.certClockSkewAllowance must be a duration from 0 to 1h such as 30s"
                + " or 1m, got \"-1m\""),
        Arguments.of(
            "OpenServiceMesh.osmNamespace",
            "OSM",
            "OpenServiceMesh.osmNamespace must be a Kubernetes namespace name (lowercase letters,"
                + " digits and '-', starting and ending with a letter or digit, at most 63"
                + " characters), got OSM (uppercase letters are not allowed)"),
        Arguments.of(
            "OpenServiceMesh.vault.host",
            "https://vault.example.com:8200",
            "OpenServiceMesh.vault.host must be a host name or IP address without scheme, port or"
                + " path, such as vault.example.com, got \"https://vault.example.com:8200\""
                + " (leave out the scheme and set OpenServiceMesh.vault.protocol instead)"),
        Arguments.of(
            "OpenServiceMesh.vault.host",
            "vault:8200",
            "OpenServiceMesh.vault.host must be a host name or IP address without scheme, port or"
                + " path, such as vault.example.com, got \"vault:8200\""
                + " (leave out the port and set OpenServiceMesh.vault.port instead)"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void aBadValueGivesExactlyOneProblemThatSaysWhatIsAccepted(
      String key, String value, String message) {
    ParseResult result = parse(key, value);

    assertThat(result.settings()).isEmpty();
    assertThat(result.problems()).containsExactly(new ConfigProblem(key, message));
  }

  static Stream<Arguments> badValuesPerKey() {
    return Stream.of(
        Arguments.of("OpenServiceMesh.caBundleSecretName", "osm_ca_bundle"),
        Arguments.of("OpenServiceMesh.caBundleSecretName", "osm..ca"),
        Arguments.of("OpenServiceMesh.caBundleSecretName", "x".repeat(254)),
        Arguments.of("OpenServiceMesh.osmNamespace", "osm.system"),
        Arguments.of("OpenServiceMesh.osmNamespace", "-osm"),
        Arguments.of("OpenServiceMesh.osmNamespace", "x".repeat(64)),
        Arguments.of("OpenServiceMesh.trustDomain", "Cluster.Local"),
        Arguments.of("OpenServiceMesh.trustDomain", "cluster.local."),
        Arguments.of("OpenServiceMesh.trustDomain", "x".repeat(64) + ".local"),
        Arguments.of("OpenServiceMesh.caKeyAlgorithm", "ed25519"),
        Arguments.of("OpenServiceMesh.certKeyBitSize", "2048.0"),
        Arguments.of("OpenServiceMesh.vault.port", "0"),
        Arguments.of("OpenServiceMesh.vault.host", "vault.example.com/v1"),
        Arguments.of("OpenServiceMesh.vault.host", "vault_host"),
        Arguments.of("OpenServiceMesh.vault.role", "pki/issue/mesh"),
        Arguments.of("OpenServiceMesh.vault.role", "my role"),
        Arguments.of("OpenServiceMesh.vault.pkiMount", "pki mesh"),
        Arguments.of("OpenServiceMesh.vault.authMethod", "approle"),
        Arguments.of("OpenServiceMesh.vault.kubernetesRole", "a/b"),
        Arguments.of("OpenServiceMesh.vault.kubernetesMount", "auth//kubernetes"),
        Arguments.of("OpenServiceMesh.vault.requestTimeout", "50ms"),
        Arguments.of("OpenServiceMesh.vault.requestTimeout", "10m"),
        Arguments.of("OpenServiceMesh.certmanager.issuerName", "OSM-CA"),
        Arguments.of("OpenServiceMesh.certmanager.issuerGroup", "cert manager"),
        Arguments.of("OpenServiceMesh.localCaBundleDirectory", "osm\u0000bundle"),
        Arguments.of("OpenServiceMesh.serviceCertValidityDuration", "500ms"),
        Arguments.of("OpenServiceMesh.rotationRenewBeforeFraction", "0"),
        Arguments.of("OpenServiceMesh.rotationRenewBeforeFraction", "-0.5"),
        Arguments.of("OpenServiceMesh.rotationRenewBeforeFraction", "1e-1"),
        Arguments.of("OpenServiceMesh.rotationRenewBeforeFraction", "NaN"),
        Arguments.of("OpenServiceMesh.rotationRenewBeforeFraction", "33%"),
        Arguments.of("OpenServiceMesh.rotationRenewBeforeFraction", "2/3/4"),
        Arguments.of("OpenServiceMesh.rotationJitterFraction", "-0"),
        Arguments.of("OpenServiceMesh.rotationJitterFraction", "1/2"),
        Arguments.of("OpenServiceMesh.allowShortCertValidity", "1"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValuesPerKey")
  void aBadValueIsReportedAgainstItsKey(String key, String value) {
    ParseResult result = parse(key, value);

    assertThat(result.problems()).extracting(ConfigProblem::key).containsExactly(key);
    assertThat(result.problems().get(0).message()).startsWith(key + " must be ");
  }

  @Test
  void reportsEveryBadValueNotJustTheFirst() {
    ParseResult result =
        parse(
            Map.of(
                "OpenServiceMesh.certificateManager", "istio",
                "OpenServiceMesh.serviceCertValidityDuration", "-1h",
                "OpenServiceMesh.vault.port", "70000",
                "OpenServiceMesh.certmanager.issuerKind", "issuer"));

    assertThat(result.settings()).isEmpty();
    assertThat(result.problems())
        .extracting(ConfigProblem::key)
        .containsExactlyInAnyOrder(
            "OpenServiceMesh.certificateManager",
            "OpenServiceMesh.serviceCertValidityDuration",
            "OpenServiceMesh.vault.port",
            "OpenServiceMesh.certmanager.issuerKind");
  }

  @Test
  void vaultWithoutHostOrTokenNamesBothMissingKeys() {
    ParseResult result = parse("OpenServiceMesh.certificateManager", "vault");

    assertThat(result.problems())
        .containsExactly(
            new ConfigProblem(
                "OpenServiceMesh.vault.host",
                "OpenServiceMesh.vault.host is required when OpenServiceMesh.certificateManager is"
                    + " vault (set it with --set OpenServiceMesh.vault.host=<host> or the"
                    + " environment variable OpenServiceMesh_vault_host)"),
            new ConfigProblem(
                "OpenServiceMesh.vault.token",
                "OpenServiceMesh.vault.token is required when OpenServiceMesh.certificateManager"
                    + " is vault (set it with --set OpenServiceMesh.vault.token=<token> or the"
                    + " environment variable OpenServiceMesh_vault_token)"));
  }

  @Test
  void vaultWithHostAndTokenIsValid() {
    MeshSettings settings =
        valid(
            Map.of(
                "OpenServiceMesh.certificateManager", "Vault",
                "OpenServiceMesh.vault.host", "vault.vault.svc",
                "OpenServiceMesh.vault.protocol", "HTTPS",
                "OpenServiceMesh.vault.port", "8201",
                "OpenServiceMesh.vault.token", TOKEN));

    assertThat(settings.certificateManager()).isEqualTo(IssuerBackendKind.VAULT);
    assertThat(settings.vault())
        .isEqualTo(defaultVault("vault.vault.svc", "https", 8201, TOKEN));
  }

  @Test
  void hostAndTokenAreNotRequiredForOtherManagers() {
    assertThat(valid(Map.of("OpenServiceMesh.certificateManager", "cert-manager")).vault())
        .isEqualTo(defaultVault(null, "https", 8200, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.5", "::1", "fe80::1", "Vault.Example.COM", "vault"})
  void acceptsHostNamesAndAddresses(String host) {
    assertThat(valid(Map.of("OpenServiceMesh.vault.host", host)).vault().host()).isEqualTo(host);
  }

  @Test
  void theVaultTokenNeverAppearsInProblemsOrDescriptions() {
    Map<String, String> values =
        Map.of(
            "OpenServiceMesh.certificateManager", "vault",
            "OpenServiceMesh.vault.token", TOKEN,
            "OpenServiceMesh.vault.port", "abc",
            "OpenServiceMesh.vault.protocol", "ftp");
    ParseResult invalid = parse(values);

    assertThat(invalid.problems()).isNotEmpty();
    assertThat(invalid.problems()).allSatisfy(p -> assertThat(p.message()).doesNotContain(TOKEN));
    assertThat(invalid.toString()).doesNotContain(TOKEN);

    Map<String, String> fixed = new HashMap<>(values);
    fixed.put("OpenServiceMesh.vault.port", "8200");
    fixed.put("OpenServiceMesh.vault.protocol", "https");
    fixed.put("OpenServiceMesh.vault.host", "vault");
    MeshSettings settings = valid(fixed);
    assertThat(settings.vault().token()).isEqualTo(TOKEN);
    assertThat(settings.vault().toString()).doesNotContain(TOKEN).contains("<redacted>");
    assertThat(settings.toString()).doesNotContain(TOKEN);
    assertThat(parse(fixed).toString()).doesNotContain(TOKEN);
  }

  @Test
  void rsaAlgorithmsTakeTheConfiguredBitSize() {
    MeshSettings settings =
        valid(
            Map.of(
                "OpenServiceMesh.certKeyAlgorithm", "rsa",
                "OpenServiceMesh.caKeyAlgorithm", "RSA",
                "OpenServiceMesh.certKeyBitSize", "3072"));

    assertThat(settings.certKey()).isEqualTo(KeySpec.rsa(3072));
    assertThat(settings.caKey()).isEqualTo(KeySpec.rsa(3072));
  }

  @Test
  void theBitSizeOnlyShapesRsaKeys() {
    MeshSettings settings =
        valid(
            Map.of(
                "OpenServiceMesh.certKeyAlgorithm", "ecdsa-p384",
                "OpenServiceMesh.caKeyAlgorithm", "rsa",
                "OpenServiceMesh.certKeyBitSize", "4096"));

    assertThat(settings.certKey()).isEqualTo(new KeySpec(KeyAlgorithm.ECDSA_P384, 0));
    assertThat(settings.caKey()).isEqualTo(KeySpec.rsa(4096));
  }

  @Test
  void theBitSizeIsCheckedEvenWhenNoKeyIsRsa() {
    assertThat(parse("OpenServiceMesh.certKeyBitSize", "1024").problems())
        .extracting(ConfigProblem::key)
        .containsExactly("OpenServiceMesh.certKeyBitSize");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void aBlankValueMeansTheDefault(String blank) {
    Map<String, String> allBlank =
        Arrays.stream(Setting.values()).collect(Collectors.toMap(Setting::key, s -> blank));

    assertThat(valid(allBlank)).isEqualTo(valid(Map.of()));
  }

  @Test
  void valuesAreTrimmed() {
    MeshSettings settings =
        valid(
            Map.of(
                "OpenServiceMesh.osmNamespace", "  mesh  ",
                "OpenServiceMesh.serviceCertValidityDuration", " 1h30m\n",
                "OpenServiceMesh.certClockSkewAllowance", " 0 "));

    assertThat(settings.osmNamespace()).isEqualTo("mesh");
    assertThat(settings.serviceCertValidity()).isEqualTo(Duration.ofMinutes(90));
    assertThat(settings.clockSkewAllowance()).isZero();
  }

  @Test
  void clockSkewAllowanceMayBeAnythingFromZeroToAnHour() {
    assertThat(valid(Map.of("OpenServiceMesh.certClockSkewAllowance", "0")).clockSkewAllowance())
        .isZero();
    assertThat(valid(Map.of("OpenServiceMesh.certClockSkewAllowance", "1h")).clockSkewAllowance())
        .isEqualTo(Duration.ofHours(1));
    assertThat(parse("OpenServiceMesh.certClockSkewAllowance", "1h0m0.000000001s").problems())
        .hasSize(1);
  }

  @Test
  void theMinimumValiditiesAreAccepted() {
    MeshSettings settings =
        valid(
            Map.of(
                "OpenServiceMesh.serviceCertValidityDuration", "10m",
                "OpenServiceMesh.internalCertValidityDuration", "10m",
                "OpenServiceMesh.caValidityDuration", "1h"));

    assertThat(settings.serviceCertValidity()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.internalCertValidity()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.caValidity()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void shortValiditiesNeedTheTestOverride() {
    Map<String, String> shortLived =
        Map.of(
            "OpenServiceMesh.serviceCertValidityDuration", "2m",
            "OpenServiceMesh.internalCertValidityDuration", "1m");
    assertThat(parse(shortLived).problems())
        .extracting(ConfigProblem::key)
        .containsExactly(
            "OpenServiceMesh.serviceCertValidityDuration",
            "OpenServiceMesh.internalCertValidityDuration");

    Map<String, String> allowed = new HashMap<>(shortLived);
    allowed.put("OpenServiceMesh.allowShortCertValidity", "TRUE");
    MeshSettings settings = valid(allowed);

    assertThat(settings.serviceCertValidity()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.internalCertValidity()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.rotation().allowShortValidity()).isTrue();
  }

  @Test
  void evenAllowedAValidityMustLeaveTwoPassesBeforeExpiry() {
    // 30s * (1/3 - 0.05) = 8.5s between the latest renewal and expiry: less than two 5s passes.
    ParseResult result =
        parse(
            Map.of(
                "OpenServiceMesh.allowShortCertValidity", "true",
                "OpenServiceMesh.serviceCertValidityDuration", "30s"));

    assertThat(result.problems())
        .containsExactly(
            new ConfigProblem(
                "OpenServiceMesh.serviceCertValidityDuration",
                "OpenServiceMesh.serviceCertValidityDuration of 30s leaves 8.5s between the latest"
                    + " renewal and expiry, less than 2 rotation passes"
                    + " (OpenServiceMesh.rotationCheckInterval is 5s): lengthen the validity or"
                    + " shorten the interval"));

    assertThat(
            valid(
                    Map.of(
                        "OpenServiceMesh.allowShortCertValidity", "true",
                        "OpenServiceMesh.serviceCertValidityDuration", "30s",
                        "OpenServiceMesh.rotationCheckInterval", "2s"))
                .serviceCertValidity())
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fractionsAreDecimalsOrRatios() {
    MeshSettings settings =
        valid(
            Map.of(
                "OpenServiceMesh.rotationRenewBeforeFraction", "0.5",
                "OpenServiceMesh.rotationJitterFraction", "1/10"));

    assertThat(settings.rotation().renewBeforeFraction()).isEqualTo(0.5);
    assertThat(settings.rotation().jitterFraction()).isEqualTo(0.1);
    assertThat(
            valid(Map.of("OpenServiceMesh.rotationRenewBeforeFraction", ".25"))
                .rotation()
                .renewBeforeFraction())
        .isEqualTo(0.25);
    assertThat(valid(Map.of("OpenServiceMesh.rotationJitterFraction", "0")).rotation().jitterFraction())
        .isZero();
  }

  @Test
  void theJitteredWindowMustLeaveRoomAtBothEnds() {
    assertThat(
            parse(
                    Map.of(
                        "OpenServiceMesh.rotationRenewBeforeFraction", "0.1",
                        "OpenServiceMesh.rotationJitterFraction", "0.06"))
                .problems())
        .containsExactly(
            new ConfigProblem(
                "OpenServiceMesh.rotationJitterFraction",
                "OpenServiceMesh.rotationJitterFraction of 0.06 with"
                    + " OpenServiceMesh.rotationRenewBeforeFraction of 0.1 would renew some"
                    + " certificates with less than 0.05 of their lifetime left, or within the first"
                    + " 0.05 of it: keep renewBeforeFraction - jitter >= 0.05 and"
                    + " renewBeforeFraction + jitter <= 0.95"));
    assertThat(
            parse(
                    Map.of(
                        "OpenServiceMesh.rotationRenewBeforeFraction", "0.9",
                        "OpenServiceMesh.rotationJitterFraction", "0.1"))
                .problems())
        .extracting(ConfigProblem::key)
        .containsExactly("OpenServiceMesh.rotationJitterFraction");
    // Exactly at the edges is fine.
    valid(
        Map.of(
            "OpenServiceMesh.rotationRenewBeforeFraction", "0.1",
            "OpenServiceMesh.rotationJitterFraction", "0.05"));
    valid(
        Map.of(
            "OpenServiceMesh.rotationRenewBeforeFraction", "0.9",
            "OpenServiceMesh.rotationJitterFraction", "0.05"));
  }

  @Test
  void certManagerRequestTimeoutAndKeepFlagAreRead() {
    CertManagerSettings certManager =
        valid(
                Map.of(
                    "OpenServiceMesh.certmanager.requestTimeout", "1m30s",
                    "OpenServiceMesh.certmanager.keepCertificateRequests", "TRUE"))
            .certManager();

    assertThat(certManager.requestTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(certManager.keepCertificateRequests()).isTrue();
  }

  @Test
  void certManagerRequestTimeoutBoundsAreAccepted() {
    assertThat(
            valid(Map.of("OpenServiceMesh.certmanager.requestTimeout", "1s"))
                .certManager()
                .requestTimeout())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(
            valid(Map.of("OpenServiceMesh.certmanager.requestTimeout", "5m"))
                .certManager()
                .requestTimeout())
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void clusterIssuerIsAccepted() {
    assertThat(
            valid(Map.of("OpenServiceMesh.certmanager.issuerKind", "ClusterIssuer"))
                .certManager()
                .issuerKind())
        .isEqualTo(CertManagerIssuerKind.CLUSTER_ISSUER);
  }

  @Test
  void webhookClientAuthenticationIsOffByDefaultAndTakesTheCaFileAndNames() {
    assertThat(valid(Map.of()).webhooks().clientCaFile()).isEmpty();
    assertThat(valid(Map.of()).webhooks().clientNames()).isEmpty();

    MeshSettings configured = valid(Map.of(
        "OpenServiceMesh.webhook.clientCaFile", "/etc/osm/webhook-client-ca/ca.crt",
        "OpenServiceMesh.webhook.clientNames", "[kube-apiserver-webhook-client, system:kube-apiserver]"));

    assertThat(configured.webhooks().clientCaFile()).contains(java.nio.file.Path.of("/etc/osm/webhook-client-ca/ca.crt"));
    assertThat(configured.webhooks().clientNames())
        .containsExactly("kube-apiserver-webhook-client", "system:kube-apiserver");
  }

  @Test
  void webhookClientNamesWithoutACaFileOrWithSpacesAreRefusedNamingTheFix() {
    assertThat(parse("OpenServiceMesh.webhook.clientNames", "kube-apiserver").problems())
        .extracting(ConfigProblem::message)
        .containsExactly("OpenServiceMesh.webhook.clientNames [kube-apiserver] is only checked on certificates the"
            + " client CA signed: set OpenServiceMesh.webhook.clientCaFile too, or leave the names empty");
    assertThat(parse(Map.of("OpenServiceMesh.webhook.clientCaFile", "/ca.crt",
        "OpenServiceMesh.webhook.clientNames", "kube apiserver")).problems())
        .extracting(ConfigProblem::key).containsExactly("OpenServiceMesh.webhook.clientNames");
  }
}

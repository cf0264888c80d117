package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps the Helm chart (kubernetes/osm-controller) in step with {@link Setting} and with the parser's rules: every
 * setting an operator sets at install is a value with the control plane's own default and a schema property; the
 * schema's enumerations are the parser's choices; its duration pattern is Go's duration grammar, checked against
 * {@link GoDuration} on a corpus and on generated text; its name patterns are Kubernetes' name rules.
 */
class ChartValuesTest {

  private static final Path CHART = Path.of("kubernetes", "osm-controller");

  /** Settings the chart does not take as values, and why. */
  private static final Map<Setting, String> NOT_IN_CHART = Map.of(
      Setting.OSM_NAMESPACE, "the release namespace",
      Setting.LOCAL_CA_BUNDLE_DIRECTORY, "only used without a Kubernetes API");

  private static Map<String, Object> values;
  private static JsonObject schema;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void readChart() throws IOException {
    try (Reader reader = Files.newBufferedReader(CHART.resolve("values.yaml"))) {
      values = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    }
    try (Reader reader = Files.newBufferedReader(CHART.resolve("values.schema.json"))) {
      schema = JsonParser.parseReader(reader).getAsJsonObject();
    }
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everySettingIsAValueWithTheControlPlanesDefaultAndASchemaProperty(Setting setting) {
    if (NOT_IN_CHART.containsKey(setting)) {
      assertThat(value(setting.key())).as("%s: %s", setting.key(), NOT_IN_CHART.get(setting)).isEmpty();
      assertThat(schemaProperty(setting.key())).isEmpty();
      return;
    }
    Optional<Object> value = value(setting.key());
    assertThat(value).as("values.yaml has %s", setting.key()).isPresent();
    // A setting with another name is left empty, so that the other name (a top-level value) can choose.
    String expected = setting.alias().isPresent() ? "" : setting.defaultValue().orElse("");
    assertThat(asSettingText(value.get())).as("default of %s", setting.key()).isEqualTo(expected);
    setting.alias().ifPresent(alias -> assertThat(values).as("values.yaml has %s", alias).containsEntry(alias, ""));
    assertThat(schemaProperty(setting.key())).as("values.schema.json has %s", setting.key()).isPresent();
  }

  @Test
  void everyValueUnderOpenServiceMeshIsASettingAndHasASchemaProperty() {
    Set<String> settings = Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.toSet());
    Set<String> chartKeys = leafKeys("OpenServiceMesh", values.get("OpenServiceMesh"));

    for (String key : chartKeys) {
      assertThat(settings.contains(key)).as("%s is a setting", key).isTrue();
      assertThat(schemaProperty(key)).as("schema property for %s", key).isPresent();
    }
    JsonObject osm = schema.getAsJsonObject("properties").getAsJsonObject("OpenServiceMesh");
    assertThat(osm.get("additionalProperties").getAsBoolean()).as("a mistyped key is refused").isFalse();
    assertThat(schemaLeafKeys("OpenServiceMesh", osm)).isEqualTo(chartKeys);
  }

  @Test
  void theSchemasChoicesAreTheParsersChoices() {
    List<String> managers = new java.util.ArrayList<>(List.of(""));
    managers.addAll(names(IssuerBackendKind.values(), IssuerBackendKind::configName));
    assertThat(enumOf("OpenServiceMesh.certificateManager")).as("empty: the other name decides").isEqualTo(managers);
    assertThat(schema.getAsJsonObject("properties").getAsJsonObject("CERT_MANAGER").get("$ref").getAsString())
        .isEqualTo(schemaProperty("OpenServiceMesh.certificateManager").orElseThrow().get("$ref").getAsString());
    assertThat(enumOf("OpenServiceMesh.certKeyAlgorithm"))
        .containsExactlyElementsOf(names(KeyAlgorithm.values(), KeyAlgorithm::configName));
    assertThat(enumOf("OpenServiceMesh.caKeyAlgorithm"))
        .containsExactlyElementsOf(names(KeyAlgorithm.values(), KeyAlgorithm::configName));
    assertThat(enumOf("OpenServiceMesh.cryptoProvider"))
        .containsExactlyElementsOf(names(CryptoProviderChoice.values(), CryptoProviderChoice::configName));
    assertThat(enumOf("OpenServiceMesh.certmanager.issuerKind"))
        .containsExactlyElementsOf(names(CertManagerIssuerKind.values(), CertManagerIssuerKind::configName));
    assertThat(enumOf("OpenServiceMesh.vault.authMethod"))
        .containsExactlyElementsOf(names(VaultAuthMethod.values(), VaultAuthMethod::configName));
    assertThat(enumOf("OpenServiceMesh.vault.protocol")).containsExactly("http", "https");
    assertThat(enumOf("OpenServiceMesh.certKeyBitSize"))
        .containsExactlyElementsOf(KeySpec.RSA_SIZES.stream().sorted().map(String::valueOf).toList());
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everyDurationSettingIsCheckedAgainstTheDurationGrammar(Setting setting) {
    boolean isDuration = setting.acceptedForm().contains("duration");
    Optional<JsonObject> property = schemaProperty(setting.key());
    if (property.isEmpty()) {
      return;
    }
    String ref = property.get().has("$ref") ? property.get().get("$ref").getAsString() : "";
    assertThat(ref.equals("#/definitions/goDuration")).as("%s uses the duration pattern", setting.key())
        .isEqualTo(isDuration);
  }

  @Test
  void theDurationPatternAcceptsExactlyWhatGoDurationParsesWithoutASign() {
    Pattern pattern = definitionPattern("goDuration");
    List<String> corpus = new ArrayList<>(List.of("24h", "30m", "1.5h", "1h30m", "300ms", "0", "+0", "0s", "1us",
        "1\u00b5s", "1\u03bcs", "1ns", ".5h", "5.h", "1h0m0s", "+3m", "87600h", "", "h", "1", "1.h.", ".h", "1hh",
        "1 h", " 1h", "1H", "1d", "1hour", "-1h", "-0", "1.5", "1e3s", "1h-30m", "1h30", "+", "0h", "00", "01s"));
    // Generated text over the grammar's own characters, so near-misses are plentiful. Lengths stay within what
    // cannot overflow 2^63 ns (999999h is 3.6e18 ns), a range check that belongs to the parser, not the pattern.
    Random random = new Random(20_260_409);
    String alphabet = "0123456789.hmsun\u00b5\u03bc+";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(6);
      for (int j = 0; j < length; j++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      corpus.add(text.toString());
    }

    for (String text : corpus) {
      assertThat(pattern.matcher(text).matches()).as("pattern on '%s'", text).isEqualTo(parsesUnsigned(text));
    }
  }

  @Test
  void theNamePatternsAreKubernetesNameRules() {
    Pattern objectName = definitionPattern("objectName");
    Pattern dnsName = definitionPattern("dnsName");
    List<String> corpus = List.of("osm-ca-bundle", "a", "a.b", "a-b.c-d", "osm.ca.bundle", "-a", "a-", "A", "a_b",
        "a..b", ".a", "a.", "", "x".repeat(63), "x".repeat(64), "x".repeat(64) + ".local", "cluster.local",
        "cert-manager.io", "1-2.3", "a b");

    for (String name : corpus) {
      assertThat(objectName.matcher(name).matches()).as("object name '%s'", name)
          .isEqualTo(!name.isEmpty() && DnsNames.subdomainProblem(name).isEmpty());
      assertThat(dnsName.matcher(name).matches()).as("DNS name '%s'", name)
          .isEqualTo(!name.isEmpty() && DnsNames.dnsNameProblem(name).isEmpty());
    }
  }

  private static boolean parsesUnsigned(String text) {
    if (text.startsWith("-")) {
      return false;
    }
    try {
      GoDuration.parse(text);
      return true;
    } catch (InvalidDurationException e) {
      return false;
    }
  }

  /** A value as the chart hands it to the control plane: text, lists comma-joined, an empty list as "[]". */
  private static String asSettingText(Object value) {
    if (value instanceof List<?> list) {
      return list.isEmpty() ? "[]" : list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Object> value(String key) {
    Object node = values;
    for (String part : key.split("\\.")) {
      if (!(node instanceof Map<?, ?> map) || !map.containsKey(part)) {
        return Optional.empty();
      }
      node = ((Map<String, Object>) map).get(part);
    }
    return Optional.of(node);
  }

  private static Optional<JsonObject> schemaProperty(String key) {
    JsonObject node = schema;
    for (String part : key.split("\\.")) {
      JsonObject properties = node.getAsJsonObject("properties");
      if (properties == null || !properties.has(part)) {
        return Optional.empty();
      }
      node = properties.getAsJsonObject(part);
    }
    return Optional.of(node);
  }

  private static List<String> enumOf(String key) {
    JsonObject property = schemaProperty(key).orElseThrow();
    if (property.has("$ref")) {
      String name = property.get("$ref").getAsString().replace("#/definitions/", "");
      property = schema.getAsJsonObject("definitions").getAsJsonObject(name);
    }
    JsonArray choices = property.getAsJsonArray("enum");
    return StreamSupport.stream(choices.spliterator(), false).map(JsonElement::getAsString).toList();
  }

  private static Pattern definitionPattern(String name) {
    return Pattern.compile(
        schema.getAsJsonObject("definitions").getAsJsonObject(name).get("pattern").getAsString());
  }

  @SuppressWarnings("unchecked")
  private static Set<String> leafKeys(String prefix, Object node) {
    Set<String> keys = new TreeSet<>();
    if (node instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).forEach((key, child) -> keys.addAll(leafKeys(prefix + "." + key, child)));
    } else {
      keys.add(prefix);
    }
    return keys;
  }

  private static Set<String> schemaLeafKeys(String prefix, JsonObject node) {
    Set<String> keys = new TreeSet<>();
    JsonObject properties = node.getAsJsonObject("properties");
    if (properties == null) {
      keys.add(prefix);
      return keys;
    }
    properties.entrySet().forEach(e -> keys.addAll(schemaLeafKeys(prefix + "." + e.getKey(),
        e.getValue().getAsJsonObject())));
    return keys;
  }

  private static <T> List<String> names(T[] choices, java.util.function.Function<T, String> name) {
    return Arrays.stream(choices).map(name).toList();
  }
}

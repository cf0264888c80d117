package io.openservicemesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The injector's and webhooks' settings: lists, CIDRs, log levels, booleans, names. */
class InjectorSettingsParsingTest {

  private static ParseResult parse(String key, String value) {
    return MeshSettingsParser.parse(k -> Optional.ofNullable(Map.of(key, value).get(k)));
  }

  private static MeshSettings valid(String key, String value) {
    ParseResult result = parse(key, value);
    assertThat(result.problems()).isEmpty();
    return result.orElseThrow();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[]|[]",
      "6379|[6379]",
      "6379,5432|[6379, 5432]",
      "[6379, 5432]|[6379, 5432]",
      " 1 , 65535 |[1, 65535]"})
  void portListsTakeCommasAndOptionalBrackets(String text, String expected) {
    assertThat(valid("OpenServiceMesh.outboundPortExclusionList", text).injector().outboundPortExclusions())
        .hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0|0 is outside 1..65535",
      "80,http|http is not a port number",
      "80,,443|empty item in the list",
      "70000|70000 is outside 1..65535"})
  void aBadPortNamesTheItem(String text, String detail) {
    assertThat(parse("OpenServiceMesh.outboundPortExclusionList", text).problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message())
            .startsWith("OpenServiceMesh.outboundPortExclusionList must be a comma-separated list of ports")
            .endsWith("(" + detail + ")"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/8", "169.254.169.254/32", "0.0.0.0/0", "fd00::/8", "::/0",
      "2001:db8:0:0:0:0:0:1/128", "::ffff:10.0.0.1/128"})
  void acceptsCidrs(String cidr) {
    assertThat(valid("OpenServiceMesh.outboundIPRangeExclusionList", cidr).injector().outboundIpRangeExclusions())
        .containsExactly(cidr);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.0.0.0|10.0.0.0 has no prefix length (write e.g. 10.0.0.0/8 or 192.168.1.10/32)",
      "10.0.0.0/33|\"10.0.0.0/33\" has a prefix length outside 0..32",
      "256.0.0.0/8|\"256.0.0.0/8\" is not an IPv4 or IPv6 address with a prefix length",
      "example.com/8|\"example.com/8\" is not an IPv4 or IPv6 address with a prefix length",
      "fd00::1::2/64|\"fd00::1::2/64\" is not an IPv4 or IPv6 address with a prefix length",
      "fd00::/129|\"fd00::/129\" has a prefix length outside 0..128",
      "10.0.0.0/-1|\"10.0.0.0/-1\" has a prefix length outside 0..32"})
  void aBadCidrSaysWhatIsWrong(String cidr, String detail) {
    assertThat(parse("OpenServiceMesh.outboundIPRangeExclusionList", "10.1.0.0/16," + cidr).problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).endsWith("(" + detail + ")"));
  }

  @Test
  void envoyLogLevelIsOneOfEnvoysLevels() {
    assertThat(valid("OpenServiceMesh.envoyLogLevel", "Warning").injector().envoyLogLevel()).isEqualTo("warning");
    assertThat(parse("OpenServiceMesh.envoyLogLevel", "verbose").problems())
        .extracting(ConfigProblem::message)
        .containsExactly("OpenServiceMesh.envoyLogLevel must be one of [trace, debug, info, warning, warn, error,"
            + " critical, off], got verbose");
  }

  @Test
  void booleansAreStrict() {
    assertThat(valid("OpenServiceMesh.enablePrometheusScraping", "FALSE").injector().prometheusScraping()).isFalse();
    assertThat(parse("OpenServiceMesh.enablePrometheusScraping", "no").problems()).hasSize(1);
    assertThat(valid("OpenServiceMesh.sidecarInjectionDefault", "Enabled").injector().injectByDefault()).isTrue();
    assertThat(parse("OpenServiceMesh.sidecarInjectionDefault", "yes").problems()).hasSize(1);
  }

  @Test
  void imagesMayNotContainSpaces() {
    assertThat(valid("OpenServiceMesh.sidecarImage", "registry.local:5000/envoy@sha256:abc").injector().sidecarImage())
        .isEqualTo("registry.local:5000/envoy@sha256:abc");
    assertThat(parse("OpenServiceMesh.initContainerImage", "my image").problems()).hasSize(1);
  }

  @Test
  void webhookNamesAndExtraServingNames() {
    MeshSettings settings = valid("OpenServiceMesh.webhook.extraServingNames", "localhost, osm.example.com");
    assertThat(settings.webhooks().extraServingNames()).containsExactly("localhost", "osm.example.com");
    assertThat(settings.webhooks().mutatingConfigurationName("osm-system")).isEqualTo("osm-webhook-osm-system");
    assertThat(parse("OpenServiceMesh.webhook.extraServingNames", "127.0.0.1:9443").problems()).hasSize(1);
    assertThat(parse("OpenServiceMesh.webhookConfigNamePrefix", "OSM").problems()).hasSize(1);
    assertThat(valid("OpenServiceMesh.webhook.extraServingNames", "[]").webhooks().extraServingNames()).isEmpty();
  }

  @Test
  void defaultsAreWhatTheDocsSay() {
    MeshSettings defaults = MeshSettingsParser.parse(k -> Optional.empty()).orElseThrow();
    assertThat(defaults.injector()).isEqualTo(new InjectorSettings("envoyproxy/envoy:v1.28.0",
        "openservicemesh/init:v1.2.0", "error", List.of(), List.of(), true, false, java.time.Duration.ofMinutes(10)));
  }
}

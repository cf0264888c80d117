package io.openservicemesh.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebugRequestsTest {

  @Test
  void onlyTheConfiguredDebugPortServesTheViews() {
    DebugPort port = DebugPort.configured(name -> Optional.ofNullable(Map.of("debug.port", "9191").get(name)));

    assertThat(port.accepts(9191)).isTrue();
    assertThat(port.accepts(9080)).isFalse();
    assertThat(port.accepts(9443)).isFalse();
    assertThat(DebugPort.configured(name -> Optional.empty()).port()).isEqualTo(9091);
  }

  @Test
  void aBadPortVariableNamesItAndTheFix() {
    assertThatThrownBy(() -> DebugPort.configured(name -> Optional.of("ninety")))
        .hasMessageContaining("debug.port").hasMessageContaining("\"ninety\"").hasMessageContaining("9091");
  }

  @Test
  void theFormatParameterDecidesElseAnAcceptHeaderPreferringText() {
    assertThat(DebugResource.wantsText("text", "application/json")).isTrue();
    assertThat(DebugResource.wantsText("json", "text/plain")).isFalse();
    assertThat(DebugResource.wantsText(null, "text/plain")).isTrue();
    assertThat(DebugResource.wantsText(null, "application/json, text/plain")).isFalse();
    assertThat(DebugResource.wantsText(null, "*/*")).isFalse();
    assertThat(DebugResource.wantsText(null, null)).isFalse();
  }
}

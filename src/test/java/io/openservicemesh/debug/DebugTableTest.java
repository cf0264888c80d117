package io.openservicemesh.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebugTableTest {

  @Test
  void theTextFormAlignsColumnsAndMarksAbsentValues() {
    DebugTable table = new DebugTable("streams", "proxy", "lastNack", "subscribed")
        .summary("count", 2)
        .row("a", Optional.empty(), List.of("x", "y"))
        .row("longer-proxy", "version 2: bad", List.of());

    assertThat(table.text()).isEqualTo("""
        streams
          count: 2

        proxy         lastNack        subscribed
        a             -               x,y
        longer-proxy  version 2: bad  -
        """);
  }

  @Test
  void theJsonFormKeepsTypesAndNulls() {
    DebugTable table = new DebugTable("certificates", "name", "failures", "next").row("a", 3, Optional.empty());

    assertThat(table.json().toString())
        .isEqualTo("{\"view\":\"certificates\",\"items\":[{\"name\":\"a\",\"failures\":3,\"next\":null}]}");
  }

  @Test
  void anEmptyViewSaysSo() {
    assertThat(new DebugTable("streams", "proxy").text()).isEqualTo("streams\n  (none)\n");
  }

  @Test
  void aRowOfTheWrongWidthIsABug() {
    assertThatThrownBy(() -> new DebugTable("v", "a", "b").row("only one"))
        .hasMessageContaining("2 columns, got 1");
  }
}

package io.openservicemesh.injector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrafficRedirectionTest {

  @Test
  void withoutExclusionsOnlyEnvoyAndLoopbackBypassTheProxy() {
    String script = TrafficRedirection.script(List.of(), List.of());

    assertThat(script).startsWith("set -e\n")
        .contains("iptables -t nat -A PROXY_REDIRECT -p tcp -j REDIRECT --to-port 15001\n")
        .contains("iptables -t nat -A PROXY_IN_REDIRECT -p tcp -j REDIRECT --to-port 15003\n")
        .contains("iptables -t nat -A PROXY_OUTPUT -m owner --uid-owner 1500 -j RETURN\n")
        .contains("iptables -t nat -A PROXY_INBOUND -p tcp --dport 15010 -j RETURN\n")
        .doesNotContain("multiport");
    // Exemptions must come before the catch-all redirect of their chain.
    assertThat(script.indexOf("--uid-owner")).isLessThan(script.indexOf("-A PROXY_OUTPUT -j PROXY_REDIRECT"));
  }

  @Test
  void portExclusionsAreSplitIntoRulesOfAtMostFifteenPorts() {
    List<Integer> ports = IntStream.rangeClosed(1001, 1031).boxed().toList();

    String script = TrafficRedirection.script(ports, List.of("10.0.0.0/8", "fd00::/8"));

    assertThat(script.lines().filter(l -> l.contains("multiport"))).containsExactly(
        "iptables -t nat -A PROXY_OUTPUT -p tcp -m multiport --dports "
            + "1001,1002,1003,1004,1005,1006,1007,1008,1009,1010,1011,1012,1013,1014,1015 -j RETURN",
        "iptables -t nat -A PROXY_OUTPUT -p tcp -m multiport --dports "
            + "1016,1017,1018,1019,1020,1021,1022,1023,1024,1025,1026,1027,1028,1029,1030 -j RETURN",
        "iptables -t nat -A PROXY_OUTPUT -p tcp -m multiport --dports 1031 -j RETURN");
    assertThat(script).contains("-A PROXY_OUTPUT -d 10.0.0.0/8 -j RETURN\n").doesNotContain("fd00::/8");
    assertThat(script.lastIndexOf("multiport")).isLessThan(script.indexOf("-A PROXY_OUTPUT -j PROXY_REDIRECT"));
  }
}

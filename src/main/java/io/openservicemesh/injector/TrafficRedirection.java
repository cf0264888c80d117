package io.openservicemesh.injector;

import io.openservicemesh.bootstrap.ProxyPorts;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The iptables rules the init container runs so the pod's TCP traffic goes through Envoy: inbound to the
 * inbound listener, outbound to the outbound listener. Envoy's own traffic (its user), loopback, Envoy's own
 * ports and the configured outbound exclusions are left alone. A pure function of the exclusions, written as
 * one POSIX shell script that stops at the first failing rule (a half-applied rule set is worse than a pod that
 * does not start).
 */
public final class TrafficRedirection {

  /** iptables' multiport match takes at most 15 ports per rule. */
  static final int MULTIPORT_LIMIT = 15;

  private TrafficRedirection() {}

  public static String script(List<Integer> excludedOutboundPorts, List<String> excludedOutboundCidrs) {
    List<String> rules = new ArrayList<>();
    rules.add("set -e");
    rules.add("iptables -t nat -N PROXY_INBOUND");
    rules.add("iptables -t nat -N PROXY_IN_REDIRECT");
    rules.add("iptables -t nat -N PROXY_OUTPUT");
    rules.add("iptables -t nat -N PROXY_REDIRECT");
    // Inbound: everything but Envoy's own ports goes to the inbound listener.
    rules.add("iptables -t nat -A PROXY_IN_REDIRECT -p tcp -j REDIRECT --to-port " + ProxyPorts.INBOUND);
    rules.add("iptables -t nat -A PREROUTING -p tcp -j PROXY_INBOUND");
    rules.add("iptables -t nat -A PROXY_INBOUND -p tcp --dport " + ProxyPorts.PROMETHEUS + " -j RETURN");
    rules.add("iptables -t nat -A PROXY_INBOUND -p tcp --dport " + ProxyPorts.ADMIN + " -j RETURN");
    rules.add("iptables -t nat -A PROXY_INBOUND -p tcp -j PROXY_IN_REDIRECT");
    // Outbound: Envoy's own connections (by user) and loopback are not redirected, else they would loop.
    rules.add("iptables -t nat -A PROXY_REDIRECT -p tcp -j REDIRECT --to-port " + ProxyPorts.OUTBOUND);
    rules.add("iptables -t nat -A OUTPUT -p tcp -j PROXY_OUTPUT");
    rules.add("iptables -t nat -A PROXY_OUTPUT -m owner --uid-owner " + ProxyPorts.PROXY_UID + " -j RETURN");
    rules.add("iptables -t nat -A PROXY_OUTPUT -d 127.0.0.1/32 -j RETURN");
    for (String cidr : excludedOutboundCidrs) {
      if (cidr.contains(":")) {
        // Only IPv4 is redirected (iptables, not ip6tables): IPv6 traffic already bypasses the proxy, and an
        // IPv6 address in an iptables rule would fail the whole script.
        continue;
      }
      rules.add("iptables -t nat -A PROXY_OUTPUT -d " + cidr + " -j RETURN");
    }
    for (int from = 0; from < excludedOutboundPorts.size(); from += MULTIPORT_LIMIT) {
      List<Integer> chunk =
          excludedOutboundPorts.subList(from, Math.min(from + MULTIPORT_LIMIT, excludedOutboundPorts.size()));
      rules.add("iptables -t nat -A PROXY_OUTPUT -p tcp -m multiport --dports "
          + chunk.stream().map(String::valueOf).collect(Collectors.joining(",")) + " -j RETURN");
    }
    rules.add("iptables -t nat -A PROXY_OUTPUT -j PROXY_REDIRECT");
    return String.join("\n", rules) + "\n";
  }
}

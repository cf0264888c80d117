package io.openservicemesh.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks CIDR ranges (IPv4 {@code 10.0.0.0/8}, IPv6 {@code fd00::/8}) without resolving anything: the text
 * goes into iptables rules, so it must be an address literal and a prefix length, nothing else.
 */
public final class Cidrs {

  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

  private Cidrs() {}

  /** Why the text is not a CIDR range, or empty when it is one. */
  public static Optional<String> problem(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      return Optional.of("has no prefix length (write e.g. 10.0.0.0/8 or 192.168.1.10/32)");
    }
    String address = cidr.substring(0, slash);
    String prefix = cidr.substring(slash + 1);
    int maxPrefix;
    if (IPV4.matcher(address).matches()) {
      maxPrefix = 32;
    } else if (isIpv6(address)) {
      maxPrefix = 128;
    } else {
      return Optional.of("is not an IPv4 or IPv6 address with a prefix length");
    }
    if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > maxPrefix) {
      return Optional.of("has a prefix length outside 0.." + maxPrefix);
    }
    return Optional.empty();
  }

  /** Full IPv6 syntax check: eight groups, or fewer with exactly one "::", optionally ending in IPv4. */
  private static boolean isIpv6(String address) {
    if (!address.contains(":") || !IPV6_CHARACTERS.matcher(address).matches()) {
      return false;
    }
    int doubleColon = address.indexOf("::");
    if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] halves = doubleColon >= 0
        ? new String[] {address.substring(0, doubleColon), address.substring(doubleColon + 2)}
        : new String[] {address};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      if (halves[h].isEmpty()) {
        continue;
      }
      String[] parts = halves[h].split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && parts[i].contains(".")) {
          if (!IPV4.matcher(parts[i]).matches()) {
            return false;
          }
          groups += 2;
        } else if (parts[i].matches("[0-9A-Fa-f]{1,4}")) {
          groups++;
        } else {
          return false;
        }
      }
    }
    return doubleColon >= 0 ? groups <= 7 : groups == 8;
  }
}

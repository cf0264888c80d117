package io.openservicemesh.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name rules Kubernetes applies (RFC 1123), checked here so that a bad name is reported at
 * startup rather than as a rejected API call much later. Each check returns why a name is
 * refused, or empty when it is fine.
 */
final class DnsNames {

  private static final int MAX_LABEL = 63;
  private static final int MAX_NAME = 253;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern HOST_LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
  // Loose on purpose: enough to tell an IPv6 address (two or more ':') from "host:port", without
  // resolving anything.
  private static final Pattern IPV6 =
      Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

  private DnsNames() {}

  /** A DNS label such as a namespace name: at most 63 of [a-z0-9-], alphanumeric at both ends. */
  static Optional<String> labelProblem(String name) {
    if (name.length() > MAX_LABEL) {
      return tooLong(name, MAX_LABEL);
    }
    if (!LABEL.matcher(name).matches()) {
      return Optional.of(characterProblem(name, "[a-z0-9-]", "lowercase letters, digits and '-'"));
    }
    return Optional.empty();
  }

  /**
   * A DNS subdomain such as most Kubernetes object names: at most 253 characters, '.'-separated
   * parts that each look like a label, without the label's own length limit.
   */
  static Optional<String> subdomainProblem(String name) {
    return dottedNameProblem(name, Integer.MAX_VALUE);
  }

  /** A DNS name such as a trust domain: like a subdomain, with each part at most 63 characters. */
  static Optional<String> dnsNameProblem(String name) {
    return dottedNameProblem(name, MAX_LABEL);
  }

  /** A host name in any case, or an IPv4 or IPv6 address. */
  static boolean isHost(String host) {
    if (IPV6.matcher(host).matches()) {
      return true;
    }
    if (host.length() > MAX_NAME) {
      return false;
    }
    for (String part : host.split("\\.", -1)) {
      if (part.length() > MAX_LABEL || !HOST_LABEL.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> dottedNameProblem(String name, int maxPart) {
    if (name.length() > MAX_NAME) {
      return tooLong(name, MAX_NAME);
    }
    if (!name.matches("[a-z0-9.-]+")) {
      return Optional.of(
          characterProblem(name, "[a-z0-9.-]", "lowercase letters, digits, '-' and '.'"));
    }
    for (String part : name.split("\\.", -1)) {
      if (part.length() > maxPart) {
        return Optional.of("each '.'-separated part is limited to " + maxPart + " characters");
      }
      if (!LABEL.matcher(part).matches()) {
        return Optional.of("each '.'-separated part must start and end with a letter or digit");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> tooLong(String name, int limit) {
    return Optional.of("it has " + name.length() + " characters, the limit is " + limit);
  }

  private static String characterProblem(String name, String allowedClass, String allowedText) {
    if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      return "uppercase letters are not allowed";
    }
    if (!name.matches(allowedClass + "+")) {
      return "only " + allowedText + " are allowed";
    }
    return "it must start and end with a letter or digit";
  }
}

package io.openservicemesh.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rules that turn each kind of setting text into a typed value. All are pure. */
final class ValueRules {

  private static final Pattern DECIMAL = Pattern.compile("[0-9]*\\.?[0-9]+");
  private static final Pattern RATIO = Pattern.compile("([0-9]{1,9})/([0-9]{1,9})");
  private static final Pattern VAULT_PATH_SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

  private ValueRules() {}

  static ValueRule<IssuerBackendKind> certificateManager() {
    return oneOf(IssuerBackendKind::fromConfigName);
  }

  static ValueRule<CryptoProviderChoice> cryptoProvider() {
    return oneOf(CryptoProviderChoice::fromConfigName);
  }

  static ValueRule<KeyAlgorithm> keyAlgorithm() {
    return oneOf(KeyAlgorithm::fromConfigName);
  }

  static ValueRule<CertManagerIssuerKind> issuerKind() {
    return value -> {
      Optional<CertManagerIssuerKind> exact = CertManagerIssuerKind.fromConfigName(value);
      if (exact.isPresent()) {
        return exact.get();
      }
      for (CertManagerIssuerKind kind : CertManagerIssuerKind.values()) {
        if (kind.configName().equalsIgnoreCase(value)) {
          throw new RejectedValueException(
              "the kind is case-sensitive; did you mean " + kind.configName() + "?");
        }
      }
      throw new RejectedValueException();
    };
  }

  /** Lowercase "http" or "https"; any case is accepted since URL schemes are case-insensitive. */
  static ValueRule<String> vaultProtocol() {
    return value -> {
      String protocol = value.toLowerCase(Locale.ROOT);
      if (!protocol.equals("http") && !protocol.equals("https")) {
        throw new RejectedValueException();
      }
      return protocol;
    };
  }

  static ValueRule<String> dnsLabel() {
    return checkedBy(DnsNames::labelProblem);
  }

  static ValueRule<String> kubernetesObjectName() {
    return checkedBy(DnsNames::subdomainProblem);
  }

  static ValueRule<String> dnsName() {
    return checkedBy(DnsNames::dnsNameProblem);
  }

  /** Strictly positive and at least {@code minimum}. */
  static ValueRule<Duration> positiveDuration(Duration minimum) {
    return positiveDuration(minimum, "");
  }

  /**
   * Strictly positive and at least {@code minimum}; {@code belowMinimumHint}, when not empty,
   * follows the minimum in the message of a value under it (e.g. how to allow less).
   */
  static ValueRule<Duration> positiveDuration(Duration minimum, String belowMinimumHint) {
    return value -> {
      Duration duration = duration(value);
      if (duration.isNegative() || duration.isZero()) {
        throw new RejectedValueException();
      }
      if (duration.compareTo(minimum) < 0) {
        String detail = "the minimum is " + GoDuration.format(minimum);
        throw new RejectedValueException(
            belowMinimumHint.isEmpty() ? detail : detail + "; " + belowMinimumHint);
      }
      return duration;
    };
  }

  /**
   * A fraction written as a decimal ({@code 0.25}, {@code .25}) or a ratio of whole numbers ({@code
   * 1/3}), within the bounds. Exponents, signs, NaN and infinities are refused: a fraction of a
   * certificate's lifetime should read the same to every operator.
   */
  static ValueRule<Double> fraction(
      double minimum, boolean minimumIncluded, double maximum, boolean maximumIncluded) {
    return value -> {
      double fraction = fraction(value);
      boolean aboveMinimum = minimumIncluded ? fraction >= minimum : fraction > minimum;
      boolean belowMaximum = maximumIncluded ? fraction <= maximum : fraction < maximum;
      if (!aboveMinimum || !belowMaximum) {
        throw new RejectedValueException();
      }
      return fraction;
    };
  }

  /** From {@code minimum} to {@code maximum}, both inclusive. */
  static ValueRule<Duration> durationBetween(Duration minimum, Duration maximum) {
    return value -> {
      Duration duration = duration(value);
      if (duration.compareTo(minimum) < 0 || duration.compareTo(maximum) > 0) {
        throw new RejectedValueException();
      }
      return duration;
    };
  }

  static ValueRule<Integer> rsaKeyBits() {
    return value -> {
      int bits = integer(value);
      if (!KeySpec.RSA_SIZES.contains(bits)) {
        throw new RejectedValueException();
      }
      return bits;
    };
  }

  static ValueRule<Integer> port() {
    return value -> {
      int port = integer(value);
      if (port < 1 || port > 65_535) {
        throw new RejectedValueException();
      }
      return port;
    };
  }

  /** Only checks that the text is a path on this platform; the directory may not exist yet. */
  static ValueRule<Path> directory() {
    return value -> {
      try {
        return Path.of(value);
      } catch (InvalidPathException e) {
        throw new RejectedValueException(e.getReason());
      }
    };
  }

  /**
   * Points at the setting to use instead when the host carries a scheme or port, since copying a
   * whole URL into the host setting is the usual mistake.
   */
  static ValueRule<String> vaultHost() {
    return value -> {
      if (DnsNames.isHost(value)) {
        return value;
      }
      if (value.contains("://")) {
        throw new RejectedValueException(
            "leave out the scheme and set " + Setting.VAULT_PROTOCOL.key() + " instead");
      }
      if (value.contains("/")) {
        throw new RejectedValueException("leave out the path");
      }
      if (value.contains(":")) {
        throw new RejectedValueException(
            "leave out the port and set " + Setting.VAULT_PORT.key() + " instead");
      }
      throw new RejectedValueException();
    };
  }

  /** The role becomes part of the Vault request path (pki/issue/ROLE): it must be one segment. */
  static ValueRule<String> vaultRole() {
    return value -> {
      if (value.contains("/") || value.chars().anyMatch(Character::isWhitespace)) {
        throw new RejectedValueException();
      }
      return value;
    };
  }

  /** "true" or "false" in any case; nothing else, so that a typo such as "ture" is reported. */
  static ValueRule<Boolean> bool() {
    return value -> {
      if (value.equalsIgnoreCase("true")) {
        return true;
      }
      if (value.equalsIgnoreCase("false")) {
        return false;
      }
      throw new RejectedValueException();
    };
  }

  static ValueRule<VaultAuthMethod> vaultAuthMethod() {
    return oneOf(VaultAuthMethod::fromConfigName);
  }

  /**
   * A mount path becomes part of every request path (/v1/MOUNT/...): segments Vault accepts in a
   * path, no empty or dot-only segment that a URL would collapse, and no /v1/ that the client adds
   * itself.
   */
  static ValueRule<String> vaultMountPath() {
    return value -> {
      if (value.startsWith("/") || value.endsWith("/")) {
        throw new RejectedValueException("leave out the leading and trailing '/'");
      }
      if (value.equals("v1") || value.startsWith("v1/")) {
        throw new RejectedValueException("leave out /v1/, which is added to every request");
      }
      for (String segment : value.split("/", -1)) {
        if (!VAULT_PATH_SEGMENT.matcher(segment).matches()) {
          throw new RejectedValueException();
        }
        if (segment.chars().allMatch(c -> c == '.')) {
          throw new RejectedValueException("a segment cannot be only dots");
        }
      }
      return value;
    };
  }

  /** Only checks that the text is a path; whether the file is there is checked when it is read. */
  static ValueRule<Path> file() {
    return directory();
  }

  /** A container image reference; its syntax belongs to the registry, so only spaces are refused. */
  static ValueRule<String> image() {
    return value -> {
      if (value.chars().anyMatch(Character::isWhitespace)) {
        throw new RejectedValueException();
      }
      return value;
    };
  }

  static ValueRule<String> envoyLogLevel() {
    return oneOf(EnvoyLogLevel::fromConfigName);
  }

  /** "enabled" (true) or "disabled" (false), in any case. */
  static ValueRule<Boolean> enabledOrDisabled() {
    return value -> switch (value.toLowerCase(Locale.ROOT)) {
      case "enabled" -> true;
      case "disabled" -> false;
      default -> throw new RejectedValueException();
    };
  }

  static ValueRule<List<Integer>> portList() {
    return listOf(item -> {
      int port;
      try {
        port = Integer.parseInt(item);
      } catch (NumberFormatException e) {
        throw new RejectedValueException(quote(item) + " is not a port number");
      }
      if (port < 1 || port > 65_535) {
        throw new RejectedValueException(item + " is outside 1..65535");
      }
      return port;
    });
  }

  static ValueRule<List<String>> cidrList() {
    return listOf(item -> {
      Optional<String> problem = Cidrs.problem(item);
      if (problem.isPresent()) {
        throw new RejectedValueException(quote(item) + " " + problem.get());
      }
      return item;
    });
  }

  static ValueRule<List<String>> dnsNameList() {
    return listOf(item -> {
      Optional<String> problem = DnsNames.dnsNameProblem(item);
      if (problem.isPresent()) {
        throw new RejectedValueException(quote(item) + ": " + problem.get());
      }
      return item;
    });
  }

  /**
   * Names a certificate may carry as its subject CN or a DNS SAN: user names such as
   * {@code system:kube-apiserver} as well as DNS names, but nothing that would need quoting in a list or a log.
   */
  static ValueRule<List<String>> certificateNameList() {
    return listOf(item -> {
      if (!item.matches("[A-Za-z0-9._:@-]{1,253}")) {
        throw new RejectedValueException(quote(item) + ": only letters, digits and '.', '-', '_', ':', '@'"
            + " (at most 253 characters)");
      }
      return item;
    });
  }

  /**
   * A comma-separated list, optionally in brackets as Helm prints a list ("[a, b]"); "[]" is empty. Every
   * item is checked and the first bad one is named.
   */
  private static <T> ValueRule<List<T>> listOf(ValueRule<T> item) {
    return value -> {
      String inner = value;
      if (inner.startsWith("[") && inner.endsWith("]")) {
        inner = inner.substring(1, inner.length() - 1);
      }
      List<T> items = new ArrayList<>();
      for (String part : inner.split(",", -1)) {
        String trimmed = part.strip();
        if (trimmed.isEmpty()) {
          if (inner.isBlank()) {
            continue;
          }
          throw new RejectedValueException("empty item in the list");
        }
        items.add(item.apply(trimmed));
      }
      return List.copyOf(items);
    };
  }

  private static String quote(String text) {
    return ConfigProblem.displayed(text);
  }

  /** Any non-empty text, e.g. a token whose format belongs to Vault. */
  static ValueRule<String> anyText() {
    return value -> value;
  }

  private static <T> ValueRule<T> oneOf(Function<String, Optional<T>> fromConfigName) {
    return value -> fromConfigName.apply(value).orElseThrow(RejectedValueException::new);
  }

  private static ValueRule<String> checkedBy(Function<String, Optional<String>> problemOf) {
    return value -> {
      Optional<String> problem = problemOf.apply(value);
      if (problem.isPresent()) {
        throw new RejectedValueException(problem.get());
      }
      return value;
    };
  }

  private static Duration duration(String value) throws RejectedValueException {
    try {
      return GoDuration.parse(value);
    } catch (InvalidDurationException e) {
      throw new RejectedValueException(e.reason());
    }
  }

  private static double fraction(String value) throws RejectedValueException {
    Matcher ratio = RATIO.matcher(value);
    if (ratio.matches()) {
      long denominator = Long.parseLong(ratio.group(2));
      if (denominator == 0) {
        throw new RejectedValueException("division by zero");
      }
      return Long.parseLong(ratio.group(1)) / (double) denominator;
    }
    if (DECIMAL.matcher(value).matches()) {
      return Double.parseDouble(value);
    }
    throw new RejectedValueException();
  }

  private static int integer(String value) throws RejectedValueException {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new RejectedValueException();
    }
  }
}

package io.openservicemesh.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One thing wrong with the configuration, worded as a complete sentence an operator can act on
 * without reading code: it names the key, the value (redacted when secret) and what is accepted.
 */
public record ConfigProblem(String key, String message) {

  // Values that read unambiguously inside a sentence are shown bare; anything else (leading '-',
  // spaces, slashes, empty) is quoted so its exact characters are visible.
  private static final Pattern PLAIN_TOKEN =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

  /**
   * E.g. {@code OpenServiceMesh.vault.protocol must be one of [http, https], got ftp}. The detail,
   * when given, follows in parentheses; it is left out for secret settings because a detail may
   * echo part of the value.
   */
  public static ConfigProblem invalidValue(Setting setting, String value, Optional<String> detail) {
    StringBuilder message =
        new StringBuilder()
            .append(setting.key())
            .append(" must be ")
            .append(setting.acceptedForm())
            .append(", got ")
            .append(setting.isSecret() ? Setting.REDACTED : displayed(value));
    if (!setting.isSecret()) {
      detail.ifPresent(d -> message.append(" (").append(d).append(')'));
    }
    return new ConfigProblem(setting.key(), message.toString());
  }

  /**
   * E.g. {@code CERT_MANAGER (another name for OpenServiceMesh.certificateManager) must be one of [tresor,
   * vault, cert-manager], got foo}: the name the operator used comes first.
   */
  public static ConfigProblem invalidAliasValue(
      Setting setting, String alias, String value, Optional<String> detail) {
    ConfigProblem byKey = invalidValue(setting, value, detail);
    String message = alias + " (another name for " + setting.key() + ")"
        + byKey.message().substring(setting.key().length());
    return new ConfigProblem(setting.key(), message);
  }

  /**
   * E.g. {@code OpenServiceMesh.vault.host is required when OpenServiceMesh.certificateManager is
   * vault (set it with --set OpenServiceMesh.vault.host=<host> or the environment variable
   * OpenServiceMesh_vault_host)}.
   */
  public static ConfigProblem missingRequired(
      Setting missing, Setting condition, String conditionValue) {
    String message =
        missing.key()
            + " is required when "
            + condition.key()
            + " is "
            + conditionValue
            + " (set it with --set "
            + missing.key()
            + "="
            + missing.placeholder()
            + " or the environment variable "
            + missing.environmentVariable()
            + ")";
    return new ConfigProblem(missing.key(), message);
  }

  /**
   * E.g. {@code OpenServiceMesh.vault.caFile is only used when OpenServiceMesh.vault.protocol is
   * https, but it is http: set OpenServiceMesh.vault.protocol to https, or leave
   * OpenServiceMesh.vault.caFile unset}. A setting that would be silently ignored is a mistake the
   * operator wants to hear about: they meant it to have an effect. The value is never shown, so
   * this is safe for secrets.
   */
  public static ConfigProblem onlyUsedWhen(
      Setting setting, Setting condition, String requiredValue, String actualValue) {
    String message =
        setting.key()
            + " is only used when "
            + condition.key()
            + " is "
            + requiredValue
            + ", but it is "
            + actualValue
            + ": set "
            + condition.key()
            + " to "
            + requiredValue
            + ", or leave "
            + setting.key()
            + " unset";
    return new ConfigProblem(setting.key(), message);
  }

  static String displayed(String value) {
    return PLAIN_TOKEN.matcher(value).matches() ? value : quoted(value);
  }

  /** Escapes quotes and control characters so a value cannot break or forge a log line. */
  private static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    value
        .codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
              } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('"').toString();
  }
}

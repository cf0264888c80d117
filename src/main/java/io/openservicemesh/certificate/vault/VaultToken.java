package io.openservicemesh.certificate.vault;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A Vault client token: a bearer secret. Only the HTTP layer reads its value (into the
 * {@code X-Vault-Token} header); {@link #toString()} never shows it, so no log line or message can
 * carry it by accident.
 */
final class VaultToken {

  private final String value;

  VaultToken(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a Vault token cannot be empty");
    }
    this.value = value;
  }

  /** For the request header only. */
  String value() {
    return value;
  }

  /** Constant time, so that comparing tokens leaks nothing about them through timing. */
  @Override
  public boolean equals(Object other) {
    return other instanceof VaultToken token
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), token.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "VaultToken[<redacted>]";
  }
}

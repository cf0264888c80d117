package io.openservicemesh.sds;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Versions derived from content: the same secrets always have the same version, on every replica and across
 * reconnects, and any change (a renewed certificate, a new root, another upstream identity) changes it.
 */
final class Versions {

  private static final int HEX_CHARACTERS = 16;

  private Versions() {}

  static String of(Secret secret) {
    return digest(secret.toByteArray());
  }

  /** The version of a state-of-the-world response: of its secrets, in order. */
  static String of(List<Secret> secrets) {
    StringBuilder all = new StringBuilder();
    secrets.forEach(secret -> all.append(secret.getName()).append('=').append(of(secret)).append(';'));
    return digest(all.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String digest(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(hash).substring(0, HEX_CHARACTERS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}

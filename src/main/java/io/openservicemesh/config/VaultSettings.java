package io.openservicemesh.config;

/**
 * How to reach Vault. Host and token are null unless the certificate manager is vault, since they
 * have no defaults and are only required then.
 *
 * @param host a host name or IP address, without scheme, port or path (an IPv6 address is bare,
 *     so a URL needs brackets around it)
 * @param protocol "http" or "https", in lowercase
 */
public record VaultSettings(String host, String protocol, int port, String token, String role) {

  /** Written by hand so that the token never reaches a log through string concatenation. */
  @Override
  public String toString() {
    return "VaultSettings[host="
        + host
        + ", protocol="
        + protocol
        + ", port="
        + port
        + ", token="
        + (token == null ? null : Setting.REDACTED)
        + ", role="
        + role
        + "]";
  }
}

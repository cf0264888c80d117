package io.openservicemesh.certificate.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The CA bundle as stored, before anything is parsed: the Secret's data keys, or the files of the local
 * store. OSM's Secret shape: {@code ca.crt} (PEM certificate), {@code private.key} (PEM key, absent where the
 * key lives elsewhere, as with Vault and cert-manager), {@code expiration} (ISO 8601 UTC with milliseconds;
 * written for compatibility, never trusted: the certificate's NotAfter is the truth).
 */
public record StoredCaBundle(String caCrt, String privateKey, String expiration) {

  public static final String CA_CRT = "ca.crt";
  public static final String PRIVATE_KEY = "private.key";
  public static final String EXPIRATION = "expiration";

  /** OSM's format of {@code expiration}, e.g. {@code 2031-01-11T23:15:09.299Z}. */
  public static final DateTimeFormatter EXPIRATION_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * A bundle without a private key, for CAs whose key lives elsewhere (Vault): the roots peers
   * trust, and the expiry of the first, in OSM's format.
   */
  public static StoredCaBundle publicBundle(String caCrt, Instant notAfter) {
    return new StoredCaBundle(caCrt, null, EXPIRATION_FORMAT.format(notAfter));
  }

  /** Same certificate and key: {@code expiration} is written for readers, never trusted, so it does not count. */
  public boolean sameRootAs(StoredCaBundle other) {
    return String.valueOf(caCrt).trim().equals(String.valueOf(other.caCrt).trim())
        && String.valueOf(privateKey).trim().equals(String.valueOf(other.privateKey).trim());
  }

  public Optional<String> caCrtIfPresent() {
    return Optional.ofNullable(caCrt);
  }

  public Optional<String> privateKeyIfPresent() {
    return Optional.ofNullable(privateKey);
  }

  public Optional<String> expirationIfPresent() {
    return Optional.ofNullable(expiration);
  }

  @Override
  public String toString() {
    return "StoredCaBundle[ca.crt=" + (caCrt == null ? "absent" : caCrt.length() + " chars")
        + ", private.key=" + (privateKey == null ? "absent" : "<redacted>")
        + ", expiration=" + expiration + "]";
  }
}

package io.openservicemesh.certificate.vault;

import java.util.function.DoubleSupplier;

/**
 * Told about Vault's health as the Vault issuer sees it, so it can be measured without the issuer knowing how.
 * Must be quick and must not throw.
 */
public interface VaultMeter {

  VaultMeter NONE = new VaultMeter() {};

  /**
   * A request to Vault failed.
   *
   * @param status the HTTP status Vault answered (e.g. {@code 403}), or {@code timeout}, {@code unreachable},
   *     {@code tls} when there was no answer: a small, fixed set
   */
  default void requestFailed(String status) {}

  /**
   * The Vault issuer started and keeps a token from now on.
   *
   * @param secondsLeft until the token expires: negative once expired, positive infinity for a token without
   *     expiry
   */
  default void tokenKept(DoubleSupplier secondsLeft) {}
}

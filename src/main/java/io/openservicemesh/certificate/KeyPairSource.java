package io.openservicemesh.certificate;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CryptoProvider;
import java.security.KeyPair;

/** Where an issuer gets the key pair of a new certificate: made on the spot, or taken from a pool. */
@FunctionalInterface
public interface KeyPairSource {

  /** Makes each key pair when asked, with the given provider. */
  static KeyPairSource generatedBy(CryptoProvider crypto) {
    return crypto::generateKeyPair;
  }

  /** A fresh key pair, never handed out before. */
  KeyPair next(KeySpec spec);
}

package io.openservicemesh.certificate;

import io.openservicemesh.config.KeySpec;
import java.security.KeyPair;

/** Where an issuer gets the key pair of a new certificate: made on the spot, or taken from a pool. */
@FunctionalInterface
public interface KeyPairSource {

  /** Makes each key pair when asked. */
  KeyPairSource GENERATE = KeyPairs::generate;

  /** A fresh key pair, never handed out before. */
  KeyPair next(KeySpec spec);
}

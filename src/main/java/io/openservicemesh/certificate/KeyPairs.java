package io.openservicemesh.certificate;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.crypto.CryptoProviders;
import io.openservicemesh.crypto.SignatureAlgorithms;
import java.security.KeyPair;
import java.security.PrivateKey;

/**
 * Key pairs made with BouncyCastle, for code that is given no {@link io.openservicemesh.crypto.CryptoProvider}
 * (tools, tests); the issuers use the one chosen at start-up.
 */
public final class KeyPairs {

  private KeyPairs() {}

  public static KeyPair generate(KeySpec spec) {
    return CryptoProviders.BOUNCYCASTLE.generateKeyPair(spec);
  }

  /** The signature algorithm a CA key signs with, see {@link SignatureAlgorithms#forKey}. */
  public static String signatureAlgorithm(PrivateKey key) {
    return SignatureAlgorithms.forKey(key);
  }
}

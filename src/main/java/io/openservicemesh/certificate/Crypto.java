package io.openservicemesh.certificate;

import io.openservicemesh.crypto.CryptoProviders;
import java.security.Provider;
import java.security.SecureRandom;

/**
 * The one BouncyCastle provider instance the control plane parses, encodes and verifies with. It is passed
 * explicitly to every JCA call instead of being registered globally, so that other applications in the same
 * server are not affected. Key generation and signatures of new certificates go through the
 * {@link io.openservicemesh.crypto.CryptoProvider} chosen at start-up instead.
 */
public final class Crypto {

  public static final Provider PROVIDER = CryptoProviders.BOUNCYCASTLE_JCA;

  private Crypto() {}

  /** A shared, thread-safe source of randomness for keys and serial numbers. */
  public static SecureRandom random() {
    return CryptoProviders.random();
  }
}

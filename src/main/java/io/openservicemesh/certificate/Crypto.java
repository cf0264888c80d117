package io.openservicemesh.certificate;

import java.security.Provider;
import java.security.SecureRandom;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one BouncyCastle provider instance the control plane uses. It is passed explicitly to every JCA call
 * instead of being registered globally, so that other applications in the same server are not affected.
 * BouncyCastle's ECDSA is several times faster than the JDK 17 provider's on the issuance path.
 */
public final class Crypto {

  public static final Provider PROVIDER = new BouncyCastleProvider();

  private static final SecureRandom RANDOM = new SecureRandom();

  private Crypto() {}

  /** A shared, thread-safe source of randomness for keys and serial numbers. */
  public static SecureRandom random() {
    return RANDOM;
  }
}

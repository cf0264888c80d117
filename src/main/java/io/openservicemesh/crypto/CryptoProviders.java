package io.openservicemesh.crypto;

import java.security.Provider;
import java.security.SecureRandom;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The providers there are, and the one BouncyCastle instance the control plane uses. */
public final class CryptoProviders {

  /**
   * The one BouncyCastle provider instance. It is passed explicitly to every JCA call instead of being registered
   * globally, so that other applications in the same server are not affected.
   */
  public static final Provider BOUNCYCASTLE_JCA = new BouncyCastleProvider();

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final JcaCryptoProvider BOUNCYCASTLE_PROVIDER =
      new JcaCryptoProvider("bouncycastle", BOUNCYCASTLE_JCA, RANDOM, false);

  /**
   * BouncyCastle's Java arithmetic: runs everywhere, and its ECDSA is several times faster than the JDK 17
   * provider's on the issuance path. The provider of code that is given no choice (tools, tests).
   */
  public static final CryptoProvider BOUNCYCASTLE = BOUNCYCASTLE_PROVIDER;

  private CryptoProviders() {}

  static JcaCryptoProvider bouncyCastle() {
    return BOUNCYCASTLE_PROVIDER;
  }

  /** Amazon Corretto Crypto Provider, as {@link CorrettoProviderLoader} loaded it. */
  static JcaCryptoProvider accp(Provider loaded) {
    return new JcaCryptoProvider("accp", loaded, RANDOM, true);
  }

  /** A shared, thread-safe source of randomness for keys and serial numbers. */
  public static SecureRandom random() {
    return RANDOM;
  }
}

package io.openservicemesh.certificate;

import io.openservicemesh.config.KeySpec;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Makes key pairs for a {@link KeySpec}, and names the signature algorithm each key signs with. */
public final class KeyPairs {

  private KeyPairs() {}

  public static KeyPair generate(KeySpec spec) {
    try {
      KeyPairGenerator generator;
      switch (spec.algorithm()) {
        case ECDSA_P256 -> {
          generator = KeyPairGenerator.getInstance("EC", Crypto.PROVIDER);
          generator.initialize(new ECGenParameterSpec("secp256r1"), Crypto.random());
        }
        case ECDSA_P384 -> {
          generator = KeyPairGenerator.getInstance("EC", Crypto.PROVIDER);
          generator.initialize(new ECGenParameterSpec("secp384r1"), Crypto.random());
        }
        case RSA -> {
          generator = KeyPairGenerator.getInstance("RSA", Crypto.PROVIDER);
          generator.initialize(spec.rsaBits(), Crypto.random());
        }
        default -> throw new IllegalArgumentException("unsupported key algorithm " + spec);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + spec + " key pair", e);
    }
  }

  /**
   * The signature algorithm a CA key signs with. The digest follows the key's strength (SHA-384 for P-384),
   * as RFC 5480 recommends; RSA keys of every size sign with SHA-256, which all TLS stacks accept.
   */
  public static String signatureAlgorithm(java.security.PrivateKey key) {
    String algorithm = key.getAlgorithm();
    if ("RSA".equals(algorithm)) {
      return "SHA256withRSA";
    }
    if ("EC".equals(algorithm) || "ECDSA".equals(algorithm)) {
      int fieldSize = ((java.security.interfaces.ECKey) key).getParams().getCurve().getField().getFieldSize();
      return fieldSize > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    throw new IllegalArgumentException("a CA key must be RSA or EC, got " + algorithm);
  }
}

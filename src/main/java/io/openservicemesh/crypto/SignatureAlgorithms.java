package io.openservicemesh.crypto;

import java.security.PrivateKey;
import java.security.interfaces.ECKey;

/** The JCA signature algorithm each kind of CA key signs with. */
public final class SignatureAlgorithms {

  private SignatureAlgorithms() {}

  /**
   * The digest follows the key's strength (SHA-384 for P-384), as RFC 5480 recommends; RSA keys of every size sign
   * with SHA-256, which all TLS stacks accept.
   */
  public static String forKey(PrivateKey key) {
    String algorithm = key.getAlgorithm();
    if ("RSA".equals(algorithm)) {
      return "SHA256withRSA";
    }
    if ("EC".equals(algorithm) || "ECDSA".equals(algorithm)) {
      int fieldSize = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
      return fieldSize > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    throw new IllegalArgumentException("a CA key must be RSA or EC, got " + algorithm);
  }
}

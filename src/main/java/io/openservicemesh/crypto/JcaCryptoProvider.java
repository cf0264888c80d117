package io.openservicemesh.crypto;

import io.openservicemesh.config.KeySpec;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/** A {@link CryptoProvider} over one JCA provider instance, which is passed to every call and never registered. */
final class JcaCryptoProvider implements CryptoProvider {

  private static final DefaultSignatureAlgorithmIdentifierFinder ALGORITHMS =
      new DefaultSignatureAlgorithmIdentifierFinder();

  private final String name;
  private final Provider jca;
  private final SecureRandom random;
  private final boolean convertsForeignKeys;
  /**
   * The last key signed with, in this provider's form. An issuer signs everything with one CA key, and converting
   * it costs about what a signature does (a native provider parses the PKCS#8 encoding into its own key object
   * on every initSign otherwise), so the one conversion is kept.
   */
  private volatile Signing last;

  private record Signing(PrivateKey given, PrivateKey own, String algorithm, AlgorithmIdentifier identifier) {}

  /**
   * @param convertsForeignKeys whether keys made elsewhere are converted into the provider's own form before
   *     signing (a native provider); BouncyCastle signs with any key as it is
   */
  JcaCryptoProvider(String name, Provider jca, SecureRandom random, boolean convertsForeignKeys) {
    this.name = name;
    this.jca = jca;
    this.random = random;
    this.convertsForeignKeys = convertsForeignKeys;
  }

  @Override
  public String name() {
    return name;
  }

  /** The JCA provider's own name and version, e.g. {@code AmazonCorrettoCryptoProvider 2.4.1}. */
  String implementation() {
    return jca.getName() + " " + jca.getVersionStr();
  }

  @Override
  public KeyPair generateKeyPair(KeySpec spec) {
    try {
      KeyPairGenerator generator;
      switch (spec.algorithm()) {
        case ECDSA_P256 -> {
          generator = KeyPairGenerator.getInstance("EC", jca);
          generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        }
        case ECDSA_P384 -> {
          generator = KeyPairGenerator.getInstance("EC", jca);
          generator.initialize(new ECGenParameterSpec("secp384r1"), random);
        }
        case RSA -> {
          generator = KeyPairGenerator.getInstance("RSA", jca);
          generator.initialize(spec.rsaBits(), random);
        }
        default -> throw new IllegalArgumentException("unsupported key algorithm " + spec);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + spec + " key pair with " + name, e);
    }
  }

  @Override
  public ContentSigner contentSigner(PrivateKey key) {
    Signing signing = last;
    if (signing == null || signing.given() != key) {
      String algorithm = SignatureAlgorithms.forKey(key);
      signing = new Signing(key, own(key), algorithm, ALGORITHMS.find(algorithm));
      last = signing;
    }
    try {
      Signature signature = Signature.getInstance(signing.algorithm(), jca);
      signature.initSign(signing.own(), random);
      return new BufferedSigner(signing.identifier(), signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key through " + name, e);
    }
  }

  /**
   * Collects what is signed and hands it to the signature in one call. The certificate's encoder writes many small
   * pieces, and a native provider copies each into a buffer it grows (BouncyCastle's own signer passes them on one
   * by one).
   */
  private static final class BufferedSigner implements ContentSigner {
    private final AlgorithmIdentifier identifier;
    private final Signature signature;
    private final ByteArrayOutputStream signed = new ByteArrayOutputStream(1024);

    BufferedSigner(AlgorithmIdentifier identifier, Signature signature) {
      this.identifier = identifier;
      this.signature = signature;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return identifier;
    }

    @Override
    public OutputStream getOutputStream() {
      return signed;
    }

    @Override
    public byte[] getSignature() {
      try {
        signature.update(signed.toByteArray());
        return signature.sign();
      } catch (SignatureException e) {
        throw new IllegalStateException("cannot sign with " + signature.getAlgorithm(), e);
      }
    }
  }

  private PrivateKey own(PrivateKey key) {
    if (!convertsForeignKeys) {
      return key;
    }
    // Through the PKCS#8 encoding rather than translateKey: ACCP's translateKey refuses BouncyCastle's EC keys,
    // which name their algorithm ECDSA.
    String algorithm = "ECDSA".equals(key.getAlgorithm()) ? "EC" : key.getAlgorithm();
    try {
      return KeyFactory.getInstance(algorithm, jca).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " cannot take a " + key.getAlgorithm() + " private key", e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + implementation() + ")";
  }
}

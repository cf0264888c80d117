package io.openservicemesh.crypto;

import io.openservicemesh.config.KeySpec;
import java.security.KeyPair;
import java.security.PrivateKey;
import org.bouncycastle.operator.ContentSigner;

/**
 * Where the mesh's public-key arithmetic happens: the key pairs of new certificates and the signatures on them.
 * Everything else about a certificate (its fields, extensions, encoding, PEM) is BouncyCastle's whatever provider
 * does this; {@link CryptoProviderSelector} picks one at start-up from {@code OpenServiceMesh.cryptoProvider}.
 * Implementations are thread-safe.
 */
public interface CryptoProvider {

  /** The name the setting and readiness use, e.g. {@code accp} or {@code bouncycastle}. */
  String name();

  /** A fresh key pair; its keys encode as PKCS#8 and X.509 SubjectPublicKeyInfo like any JCA key. */
  KeyPair generateKeyPair(KeySpec spec);

  /**
   * A signer for one signature (a {@link ContentSigner} holds the bytes it signs, so it is never shared) with the
   * signature algorithm the key calls for (see {@link SignatureAlgorithms}). The key may come from anywhere (a CA
   * Secret read by BouncyCastle, another provider): it is converted to this provider's own form when needed.
   */
  ContentSigner contentSigner(PrivateKey key);
}

package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.identity.CertificateNames;
import io.openservicemesh.certificate.Crypto;
import io.openservicemesh.certificate.IssuedChain;
import io.openservicemesh.certificate.IssuedLeafCheck;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns Vault's answer to an issue request into a {@link Certificate}, trusting nothing it did not
 * check: the certificate is for the requested name with the requested SANs, the private key belongs to
 * it, and the issuing CA Vault named really signed it. The key is accepted as PKCS#8, PKCS#1 or SEC 1 (a
 * Vault that ignores {@code private_key_format} sends the latter two) and handed on as PKCS#8.
 *
 * <p>The served chain is the leaf plus the intermediates of {@code ca_chain}, without self-signed
 * roots: peers verify against the roots they already hold, a root in the chain only costs bytes in
 * every handshake, and Envoy (like most TLS stacks) builds its path from its own trust store. Expiry is
 * whatever the certificate says ({@link Certificate#notAfter()}), which a role's max_ttl may have cut
 * short.
 */
final class IssueResponseReader {

  private static final byte[] PROBE = "osm-controller key check".getBytes(StandardCharsets.US_ASCII);
  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  private IssueResponseReader() {}

  /** An answer that cannot be used as it is; the message says what is wrong, never key material. */
  static final class UnusableResponseException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusableResponseException(String message) {
      super(message);
    }
  }

  /**
   * @param anchors the mesh's trusted roots: Vault's issuing CA must chain to them (a Vault whose mount was
   *     re-rooted, or an answer from somewhere else, is refused rather than handed to proxies that would not
   *     trust it)
   */
  static Certificate read(IssueResponse response, IssueRequest request, String trustedCasPem,
      List<X509Certificate> anchors, Instant now) throws UnusableResponseException {
    X509Certificate leaf = certificate("certificate", response.certificate());
    PrivateKey key;
    try {
      key = Pem.decodePrivateKey(response.privateKey());
    } catch (PemException e) {
      throw new UnusableResponseException("private_key: " + e.getMessage());
    }
    if (!belongsTo(key, leaf.getPublicKey())) {
      throw new UnusableResponseException("private_key does not belong to the certificate");
    }
    X509Certificate issuingCa = certificate("issuing_ca", response.issuingCa());
    try {
      leaf.verify(issuingCa.getPublicKey(), Crypto.PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new UnusableResponseException("the certificate is not signed by the issuing_ca in the same answer");
    }
    // Vault adds the common name to the DNS SANs itself.
    List<String> dnsNames = new ArrayList<>(request.altNames());
    dnsNames.add(request.commonName());
    List<String> problems = IssuedLeafCheck.problems(leaf, request.commonName(), dnsNames, request.uriSans());
    if (!problems.isEmpty()) {
      throw new UnusableResponseException("the certificate is not the one asked for: " + String.join("; ", problems));
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(intermediates(response, issuingCa));
    try {
      // Vault made the key pair itself; that the key belongs to the leaf was checked above.
      IssuedChain.verify(chain, List.of(issuingCa), leaf.getPublicKey(), anchors, now);
    } catch (IssuedChain.UnusableCertificateException e) {
      throw new UnusableResponseException(e.getMessage());
    }
    return new Certificate(chain, Pem.encodePrivateKey(key), Pem.encode(issuingCa), trustedCasPem);
  }

  /** Vault's serial as a number, e.g. {@code 39:dd:2e} -> 0x39dd2e; null when absent or unreadable. */
  static BigInteger serial(String vaultSerial) {
    String hex = vaultSerial.replace(":", "").replace("-", "");
    if (hex.isEmpty()) {
      return null;
    }
    try {
      return new BigInteger(hex, 16);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** E.g. {@code ecdsa-p256} or {@code rsa-2048}, spelled like {@link io.openservicemesh.config.KeySpec}. */
  static String keyDescription(PublicKey key) {
    if (key instanceof ECKey ec) {
      return "ecdsa-p" + ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAKey rsa) {
      return "rsa-" + rsa.getModulus().bitLength();
    }
    return key.getAlgorithm().toLowerCase(Locale.ROOT);
  }

  private static X509Certificate certificate(String field, String pem) throws UnusableResponseException {
    try {
      return Pem.decodeCertificate(pem);
    } catch (PemException e) {
      throw new UnusableResponseException(field + ": " + e.getMessage());
    }
  }

  private static List<X509Certificate> intermediates(IssueResponse response, X509Certificate issuingCa)
      throws UnusableResponseException {
    List<X509Certificate> listed = new ArrayList<>();
    if (response.caChain().isEmpty()) {
      listed.add(issuingCa); // a Vault too old to send ca_chain
    }
    for (String entry : response.caChain()) {
      try {
        listed.addAll(Pem.decodeCertificates(entry));
      } catch (PemException e) {
        throw new UnusableResponseException("ca_chain: " + e.getMessage());
      }
    }
    return listed.stream().filter(c -> !VaultTrust.isSelfSigned(c)).toList();
  }

  /** Signs a probe with the private key and verifies it with the certificate's public key. */
  private static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm, Crypto.PROVIDER);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm, Crypto.PROVIDER);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}

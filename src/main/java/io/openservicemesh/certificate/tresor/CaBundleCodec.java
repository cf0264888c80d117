package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.KeyPairs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.openservicemesh.certificate.CaCertificates;
import io.openservicemesh.certificate.Crypto;

/**
 * Turns a {@link CaBundle} into the stored form and back. Reading accepts what operators bring (PKCS#1 or
 * PKCS#8, RSA or EC keys, with or without {@code expiration}) and refuses, with every reason at once, a
 * bundle that cannot sign: missing or malformed keys, a key that does not belong to the certificate, a
 * certificate that is not a CA, an expired one.
 */
public final class CaBundleCodec {

  /** OSM's format, e.g. {@code 2031-01-11T23:15:09.299Z}. */
  static final DateTimeFormatter EXPIRATION_FORMAT = StoredCaBundle.EXPIRATION_FORMAT;

  private CaBundleCodec() {}

  public static StoredCaBundle encode(CaBundle bundle) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(bundle.certificate());
    chain.addAll(bundle.above());
    return new StoredCaBundle(
        Pem.encode(chain),
        Pem.encodePrivateKey(bundle.privateKey()),
        EXPIRATION_FORMAT.format(bundle.notAfter()));
  }

  /**
   * @param location where the bundle was read from, for the message
   * @param now the time against which validity is checked
   */
  public static CaBundle decode(StoredCaBundle stored, String location, Instant now) throws BrokenCaBundleException {
    List<String> problems = new ArrayList<>();
    List<X509Certificate> chain = chain(stored, problems);
    X509Certificate certificate = chain.isEmpty() ? null : chain.get(0);
    PrivateKey key = privateKey(stored, problems);
    for (int i = 0; i < chain.size(); i++) {
      String where = i == 0 ? StoredCaBundle.CA_CRT : StoredCaBundle.CA_CRT + " (certificate " + (i + 1) + ")";
      problems.addAll(CaCertificates.problems(chain.get(i), where, now));
    }
    problems.addAll(chainProblems(chain));
    if (certificate != null && key != null && !belongTogether(certificate, key)) {
      problems.add(StoredCaBundle.PRIVATE_KEY + " does not match the " + (chain.size() > 1 ? "first " : "")
          + "certificate in " + StoredCaBundle.CA_CRT);
    }
    if (!problems.isEmpty()) {
      throw new BrokenCaBundleException(location, problems);
    }
    return new CaBundle(certificate, key, chain.subList(1, chain.size()));
  }

  /**
   * A signing intermediate must come with every certificate up to its root, each signed by the next, the last
   * self-signed: peers are given only the root, and a leaf's chain must reach it.
   */
  private static List<String> chainProblems(List<X509Certificate> chain) {
    if (chain.size() < 2) {
      return List.of(); // a lone CA certificate is its own anchor, as before intermediates were accepted
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!signedBy(chain.get(i), chain.get(i + 1))) {
        problems.add("certificate " + (i + 1) + " of " + StoredCaBundle.CA_CRT + " is not signed by certificate "
            + (i + 2) + ": list the signing CA first, then each issuer up to the root");
      }
    }
    X509Certificate top = chain.get(chain.size() - 1);
    if (!signedBy(top, top)) {
      problems.add("the last certificate of " + StoredCaBundle.CA_CRT + " is not a self-signed root ("
          + top.getSubjectX500Principal().getName() + " is issued by " + top.getIssuerX500Principal().getName()
          + "): add the certificates up to the root");
    }
    return problems;
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The certificate of a bundle that carries no key (Vault, cert-manager): only ca.crt must be sound. */
  public static X509Certificate decodeCertificateOnly(StoredCaBundle stored, String location, Instant now)
      throws BrokenCaBundleException {
    List<String> problems = new ArrayList<>();
    X509Certificate certificate = certificate(stored, problems);
    if (certificate != null) {
      problems.addAll(CaCertificates.problems(certificate, StoredCaBundle.CA_CRT, now));
    }
    if (!problems.isEmpty()) {
      throw new BrokenCaBundleException(location, problems);
    }
    return certificate;
  }

  /** The stored expiration when it disagrees with the certificate, which always wins. */
  public static Optional<String> staleExpiration(StoredCaBundle stored, CaBundle bundle) {
    String expected = EXPIRATION_FORMAT.format(bundle.notAfter());
    return stored.expirationIfPresent().map(String::trim).filter(e -> !e.equals(expected));
  }

  private static X509Certificate certificate(StoredCaBundle stored, List<String> problems) {
    List<X509Certificate> chain = chain(stored, problems);
    return chain.isEmpty() ? null : chain.get(0);
  }

  private static List<X509Certificate> chain(StoredCaBundle stored, List<String> problems) {
    if (stored.caCrt() == null || stored.caCrt().isBlank()) {
      problems.add("key " + StoredCaBundle.CA_CRT + " is missing");
      return List.of();
    }
    try {
      List<X509Certificate> chain = Pem.decodeCertificates(stored.caCrt());
      if (chain.isEmpty()) {
        problems.add(StoredCaBundle.CA_CRT + " holds no PEM certificate");
      }
      return chain;
    } catch (PemException e) {
      problems.add(StoredCaBundle.CA_CRT + " is not a PEM certificate (" + e.getMessage() + ")");
      return List.of();
    }
  }

  private static PrivateKey privateKey(StoredCaBundle stored, List<String> problems) {
    if (stored.privateKey() == null || stored.privateKey().isBlank()) {
      problems.add("key " + StoredCaBundle.PRIVATE_KEY + " is missing");
      return null;
    }
    try {
      PrivateKey key = Pem.decodePrivateKey(stored.privateKey());
      if (!"RSA".equals(key.getAlgorithm()) && !"EC".equals(key.getAlgorithm()) && !"ECDSA".equals(key.getAlgorithm())) {
        problems.add(StoredCaBundle.PRIVATE_KEY + " is a " + key.getAlgorithm() + " key; RSA and EC keys are supported");
        return null;
      }
      return key;
    } catch (PemException e) {
      problems.add(StoredCaBundle.PRIVATE_KEY + " is not a PEM private key (" + e.getMessage() + ")");
      return null;
    }
  }

  /** Signs a probe with the key and verifies it with the certificate: works for every key type alike. */
  private static boolean belongTogether(X509Certificate certificate, PrivateKey key) {
    if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())
        && !("EC".equals(certificate.getPublicKey().getAlgorithm()) && "ECDSA".equals(key.getAlgorithm()))) {
      return false;
    }
    try {
      byte[] probe = "osm-ca-bundle key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      String algorithm = KeyPairs.signatureAlgorithm(key);
      Signature signer = Signature.getInstance(algorithm, Crypto.PROVIDER);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm, Crypto.PROVIDER);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      return false;
    }
  }
}

package io.openservicemesh.certificate;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks what an external CA returned before the mesh hands it out: the leaf must carry the public key that was
 * asked to be certified, and it must chain to the mesh roots peers trust. cert-manager leaves both to the
 * issuer, Vault's answer names its own issuing CA, and copying the right root into the CA bundle Secret is easy
 * to get wrong; a certificate that fails here would fail every mTLS handshake instead, far from the cause.
 */
public final class IssuedChain {

  /** What an issuer returned that the mesh cannot use. */
  public static final class UnusableCertificateException extends Exception {
    UnusableCertificateException(String message) {
      super(message);
    }
  }

  /**
   * @param served the leaf and the intermediates up to, not including, the root: what a TLS peer is sent
   * @param root the mesh root the leaf chains to
   */
  public record VerifiedChain(List<X509Certificate> served, X509Certificate root) {

    /** The CA that signed the leaf: the first intermediate, or the root itself. */
    public X509Certificate issuingCa() {
      return served.size() > 1 ? served.get(1) : root;
    }
  }

  private IssuedChain() {}

  /**
   * @param issued {@code status.certificate}: the leaf, then whatever intermediates the issuer added
   * @param issuerCa {@code status.ca} when the issuer set it (may be an intermediate the chain needs)
   * @param roots the mesh's trusted roots
   * @param now validity is checked at {@code now}, or at the leaf's NotBefore when that is later, so an issuer
   *     whose clock runs a little ahead is not refused for a certificate that is valid moments later
   */
  public static VerifiedChain verify(
      List<X509Certificate> issued, List<X509Certificate> issuerCa, PublicKey requestedKey,
      List<X509Certificate> roots, Instant now) throws UnusableCertificateException {
    X509Certificate leaf = issued.get(0);
    if (!Arrays.equals(leaf.getPublicKey().getEncoded(), requestedKey.getEncoded())) {
      throw new UnusableCertificateException("the issued certificate (subject " + subject(leaf)
          + ") does not carry the public key of the request: the issuer put another key in it");
    }
    List<X509Certificate> candidates = new ArrayList<>(issued);
    issuerCa.stream().filter(c -> !candidates.contains(c)).forEach(candidates::add);
    Set<TrustAnchor> anchors = roots.stream().map(r -> new TrustAnchor(r, null)).collect(Collectors.toSet());
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
      parameters.setRevocationEnabled(false);
      Instant notBefore = leaf.getNotBefore().toInstant();
      parameters.setDate(Date.from(notBefore.isAfter(now) ? notBefore : now));
      parameters.addCertStore(CertStore.getInstance(
          "Collection", new CollectionCertStoreParameters(candidates), Crypto.PROVIDER));
      PKIXCertPathBuilderResult result =
          (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX", Crypto.PROVIDER).build(parameters);
      List<X509Certificate> path = new ArrayList<>();
      result.getCertPath().getCertificates().forEach(c -> path.add((X509Certificate) c));
      return new VerifiedChain(path, result.getTrustAnchor().getTrustedCert());
    } catch (CertPathBuilderException e) {
      throw new UnusableCertificateException("the issued certificate (subject " + subject(leaf) + ", issuer "
          + leaf.getIssuerX500Principal().getName() + ") does not chain to the mesh root ("
          + roots.stream().map(IssuedChain::subject).collect(Collectors.joining(", ")) + "): "
          + String.valueOf(e.getMessage()).replaceAll("[.\\s]+$", ""));
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("no trusted roots to verify against", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PKIX path building is not available", e);
    }
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}

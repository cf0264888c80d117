package io.openservicemesh.certificate;

/**
 * A certificate authority backend (Tresor, Vault, cert-manager). Deliberately small: it turns a spec into a
 * certificate and says which roots it chains to. Caching, single-flight and when to renew belong to the
 * {@link CertificateCache}, so every backend gets them the same way.
 */
public interface Issuer {

  /**
   * Issues a new certificate, with a new key, for the spec. Called at most once at a time per common name.
   *
   * @throws IssuanceException when the backend cannot issue; its {@link IssuanceException#retryable()} tells
   *     the caller whether trying again later can help
   */
  Certificate issue(CertificateSpec spec) throws IssuanceException;

  /** The PEM roots the certificates of this issuer chain to: what peers and the webhooks' caBundle trust. */
  String trustedCasPem();
}

package io.openservicemesh.certificate;

/**
 * Told when the {@link CertificateCache} puts a certificate in service for a common name: the first for that
 * name ({@link #issued}), or one replacing its predecessor ({@link #replaced}: a renewal, or a re-issue after
 * the old one expired). Called on the thread that did it, after readers already see the new certificate; it
 * must return quickly (hand the news on, do not act on it).
 */
public interface CertificateListener {

  CertificateListener NONE = (commonName, kind, previous, current) -> {};

  /** A common name got its first certificate (nothing cached under it before). */
  default void issued(String commonName, CertificateKind kind, Certificate current) {}

  void replaced(String commonName, CertificateKind kind, Certificate previous, Certificate current);
}

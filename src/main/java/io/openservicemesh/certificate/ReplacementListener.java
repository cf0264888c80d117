package io.openservicemesh.certificate;

/**
 * Told when the {@link CertificateManager} replaces the certificate of a common name by a new one: a
 * renewal, or a re-issue after the old one expired. Called on the thread that made the replacement, after
 * readers already see the new certificate; it must return quickly (hand the news on, do not act on it).
 */
@FunctionalInterface
public interface ReplacementListener {

  ReplacementListener NONE = (commonName, kind, previous, current) -> {};

  void replaced(String commonName, CertificateKind kind, Certificate previous, Certificate current);
}

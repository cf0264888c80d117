package io.openservicemesh.certificate;

/**
 * Decides, once per issued certificate, when it is to be renewed. The {@link CertificateCache} asks at
 * issuance and keeps the answer in its schedule, so a rotation pass never re-reads certificates.
 */
@FunctionalInterface
public interface RenewalTiming {

  /** Renew only once expired, never report overdue before that: a cache without proactive rotation. */
  RenewalTiming AT_EXPIRY = certificate -> new RenewalWindow(certificate.notAfter(), certificate.notAfter());

  /** The window of a freshly issued certificate; from its NotBefore and NotAfter, never from the request. */
  RenewalWindow windowFor(Certificate certificate);
}

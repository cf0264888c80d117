package io.openservicemesh.certificate;

import java.time.Instant;

/**
 * A cached certificate past its overdue instant with no successor yet: it expires soon, or has expired.
 *
 * @param failedRenewals renewal attempts that failed since it was issued
 */
public record OverdueCertificate(String commonName, CertificateKind kind, Instant notAfter, int failedRenewals) {

  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(notAfter);
  }
}

package io.openservicemesh.certificate;

import java.util.concurrent.CompletableFuture;

/**
 * A certificate claimed for renewal by {@link CertificateCache#claimDue}: while claimed, no other pass
 * claims it, and readers keep getting the current certificate. The claim ends with
 * {@link CertificateCache#renew} (success, or failure and a retry scheduled) or
 * {@link CertificateCache#retryLater}.
 */
public final class DueRenewal {

  private final String commonName;
  private final CertificateSpec spec;
  private final Certificate current;
  private final int failedRenewals;
  /** Completes with the successor; identifies the claim, and lets readers of an expired certificate wait. */
  final CompletableFuture<Certificate> successor;

  DueRenewal(
      String commonName, CertificateSpec spec, Certificate current, int failedRenewals,
      CompletableFuture<Certificate> successor) {
    this.commonName = commonName;
    this.spec = spec;
    this.current = current;
    this.failedRenewals = failedRenewals;
    this.successor = successor;
  }

  public String commonName() {
    return commonName;
  }

  /** The spec the current certificate was issued for. */
  public CertificateSpec spec() {
    return spec;
  }

  /** The certificate in service, which stays in service until its successor is issued. */
  public Certificate current() {
    return current;
  }

  /** Renewal attempts of this certificate that failed before this claim. */
  public int failedRenewals() {
    return failedRenewals;
  }

  @Override
  public String toString() {
    return "DueRenewal[" + commonName + ", current=" + current + ", failedRenewals=" + failedRenewals + "]";
  }
}

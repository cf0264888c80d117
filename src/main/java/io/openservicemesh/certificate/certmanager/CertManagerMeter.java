package io.openservicemesh.certificate.certmanager;

import java.time.Duration;

/**
 * Told how each issuance through cert-manager ended and how long it took, so it can be measured without the
 * issuer knowing how. Called on the issuing thread; must be quick and must not throw.
 */
@FunctionalInterface
public interface CertManagerMeter {

  CertManagerMeter NONE = (outcome, took) -> {};

  /** How an issuance through a CertificateRequest ended. */
  enum Outcome {
    /** Signed, and the certificate chains to the mesh root. */
    ISSUED,
    /** Denied by an approver. */
    DENIED,
    /** Refused by the issuer as invalid. */
    INVALID,
    /** Failed in cert-manager or its issuer, or answered with an unusable status. */
    FAILED,
    /** cert-manager did not answer within {@code OpenServiceMesh.certmanager.requestTimeout}. */
    TIMED_OUT,
    /**
     * Anything else: the API server refused or could not be reached, the request was deleted meanwhile, or the
     * signed certificate was not the one asked for.
     */
    ERROR
  }

  void ended(Outcome outcome, Duration took);
}

package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.certificate.IssuanceException;

/** cert-manager gave a final answer without a certificate, or none in time: the outcome says which. */
final class EndedRequestException extends IssuanceException {

  private final CertManagerMeter.Outcome outcome;

  EndedRequestException(String message, boolean retryable, CertManagerMeter.Outcome outcome) {
    super(message, retryable);
    this.outcome = outcome;
  }

  CertManagerMeter.Outcome outcome() {
    return outcome;
  }
}

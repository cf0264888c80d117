package io.openservicemesh.certificate.certmanager;

import java.time.Duration;

/**
 * Moments of one issuance, for whoever wants to follow it (tests synchronise on them instead of sleeping;
 * metrics can count them). Called on the issuing thread; implementations must be quick and must not throw.
 */
interface IssuanceListener {

  IssuanceListener NONE = new IssuanceListener() {};

  /** The API server accepted the CertificateRequest {@code name}. */
  default void requestCreated(String name) {}

  /** Watch number {@code count} (1 for the first) on the request is open. */
  default void watchOpened(String name, int count) {}

  /** The requests of one issuance were deleted. */
  default void requestsDeleted(String issuanceId) {}

  /** One issuance ended, before its requests are deleted; {@code took} runs from its start. */
  default void issuanceEnded(CertManagerMeter.Outcome outcome, Duration took) {}

  /** Tells only how issuances ended, to the meter. */
  static IssuanceListener metering(CertManagerMeter meter) {
    return new IssuanceListener() {
      @Override
      public void issuanceEnded(CertManagerMeter.Outcome outcome, Duration took) {
        meter.ended(outcome, took);
      }
    };
  }
}

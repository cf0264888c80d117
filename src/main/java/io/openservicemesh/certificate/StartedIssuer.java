package io.openservicemesh.certificate;

import io.openservicemesh.certificate.Issuer;
import java.util.Map;

/**
 * An issuer ready to sign, with what an operator wants to see about its CA (location, subject, serial,
 * expiry) in the readiness report.
 */
public record StartedIssuer(Issuer issuer, Map<String, String> caDetails) {

  public StartedIssuer {
    caDetails = Map.copyOf(caDetails);
  }
}

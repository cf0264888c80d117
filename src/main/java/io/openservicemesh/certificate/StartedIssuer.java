package io.openservicemesh.certificate;

import java.util.Map;

/** An issuer ready to sign, and the description of its CA for the readiness report. */
public record StartedIssuer(Issuer issuer, CaDescription ca) {

  /** The readiness report's entries for the CA (see {@link CaDescription#details()}). */
  public Map<String, String> caDetails() {
    return ca.details();
  }
}

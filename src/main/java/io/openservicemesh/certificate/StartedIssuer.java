package io.openservicemesh.certificate;

import java.util.Map;
import java.util.Optional;

/**
 * An issuer ready to sign, the description of its CA for the readiness report, and its upkeep: what the
 * backend must do every few seconds while it runs (renew a Vault token, re-read Vault's CA, keep Tresor's CA
 * Secret in place). The upkeep is called on a timer and must return quickly when nothing is due.
 */
public record StartedIssuer(Issuer issuer, CaDescription ca, Runnable upkeep, Optional<RootLifecycle> roots) {

  /** A backend with nothing to keep up. */
  public StartedIssuer(Issuer issuer, CaDescription ca) {
    this(issuer, ca, () -> {}, Optional.empty());
  }

  /** A backend whose roots are its own business (see {@link RootLifecycle}). */
  public StartedIssuer(Issuer issuer, CaDescription ca, Runnable upkeep) {
    this(issuer, ca, upkeep, Optional.empty());
  }

  /** The readiness report's entries for the CA (see {@link CaDescription#details()}). */
  public Map<String, String> caDetails() {
    return ca.details();
  }
}

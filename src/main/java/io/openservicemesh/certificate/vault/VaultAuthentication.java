package io.openservicemesh.certificate.vault;

import java.io.IOException;

/** How the control plane gets a Vault token: the configured one, or a Kubernetes login. */
interface VaultAuthentication {

  /**
   * A usable token and its lease. For a static token this looks the token up (its TTL, whether it
   * is renewable, whether Vault still honours it); for a login it is a new token.
   *
   * @throws IOException when a local credential (the service-account token file) cannot be read
   */
  TokenGrant authenticate() throws VaultException, IOException;

  /** True when {@link #authenticate()} yields a new token, so an unrenewable one can be replaced. */
  boolean logsIn();

  /** For logs and readiness, e.g. {@code Kubernetes auth role osm at auth/kubernetes}. */
  String describe();
}

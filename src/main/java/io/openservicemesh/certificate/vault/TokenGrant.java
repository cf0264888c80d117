package io.openservicemesh.certificate.vault;

import java.time.Duration;
import java.util.List;

/**
 * A token and its lease as Vault reports them: the {@code auth} block of a login or renewal, or the
 * {@code data} of a lookup.
 *
 * @param ttl time left on the lease when Vault answered; zero for a token that never expires (root)
 * @param renewable whether renew-self may extend the lease
 * @param policies the token's policies, for the log (names are not secret)
 */
record TokenGrant(VaultToken token, Duration ttl, boolean renewable, List<String> policies) {

  TokenGrant {
    policies = List.copyOf(policies);
  }

  boolean expires() {
    return !ttl.isZero();
  }
}

package io.openservicemesh.sds;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.openservicemesh.identity.ProxyIdentity;

/** Where a stream gets the secret a proxy asked for: the one dependency of the xDS protocol logic. */
@FunctionalInterface
interface SecretLookup {

  /**
   * @throws SdsException with the status the stream ends with: INVALID_ARGUMENT for a malformed name,
   *     PERMISSION_DENIED for another identity's secret, UNAVAILABLE when the control plane cannot answer yet
   */
  Secret resolve(ProxyIdentity proxy, String secretName) throws SdsException;
}

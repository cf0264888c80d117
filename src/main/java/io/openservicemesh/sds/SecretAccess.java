package io.openservicemesh.sds;

import io.openservicemesh.identity.SdsSecretName;
import io.openservicemesh.identity.ProxyIdentity;
import java.util.Optional;

/**
 * Which secrets a proxy may have. A proxy gets its own service account's certificate and inbound roots, and
 * the outbound roots of any service it calls; never another identity's certificate, whatever it asks for (OSM
 * let a proxy name another identity's secrets and get them).
 */
final class SecretAccess {

  private SecretAccess() {}

  /** Why the proxy may not have the secret, or empty when it may. */
  static Optional<String> denial(ProxyIdentity proxy, SdsSecretName secret) {
    return switch (secret.kind()) {
      case SERVICE_CERT, ROOT_CERT_FOR_MTLS_INBOUND -> secret.serviceAccount().equals(proxy.service())
          ? Optional.empty()
          : Optional.of("proxy " + proxy.commonName() + " (service account " + proxy.service() + ") may not have "
              + secret + ": it belongs to service account " + secret.serviceAccount());
      case ROOT_CERT_FOR_MTLS_OUTBOUND -> Optional.empty();
    };
  }
}

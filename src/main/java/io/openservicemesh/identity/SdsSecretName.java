package io.openservicemesh.identity;

import java.util.Optional;

/**
 * A secret name as Envoy asks for it (OSM's names, which users' Envoy configurations depend on):
 * <ul>
 *   <li>{@code service-cert:<ns>/<sa>}: the service account's certificate and key;
 *   <li>{@code root-cert-for-mtls-inbound:<ns>/<sa>}: the roots to validate callers with;
 *   <li>{@code root-cert-for-mtls-outbound:<ns>/<service>}: the roots, and the identities the upstream service
 *       may present.
 * </ul>
 */
public record SdsSecretName(Kind kind, String namespace, String name) {

  /** The three secret kinds and their name prefixes. */
  public enum Kind {
    SERVICE_CERT("service-cert"),
    ROOT_CERT_FOR_MTLS_INBOUND("root-cert-for-mtls-inbound"),
    ROOT_CERT_FOR_MTLS_OUTBOUND("root-cert-for-mtls-outbound");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  private static final String FORMAT = "<service-cert|root-cert-for-mtls-inbound|root-cert-for-mtls-outbound>:<namespace>/<name>";

  /**
   * @throws IllegalArgumentException naming the secret and the expected format
   */
  public static SdsSecretName parse(String secretName) {
    int colon = secretName.indexOf(':');
    int slash = secretName.indexOf('/', colon + 1);
    if (colon < 0 || slash < 0 || secretName.indexOf('/', slash + 1) >= 0) {
      throw invalid(secretName, "expected " + FORMAT);
    }
    String prefix = secretName.substring(0, colon);
    Kind kind = kindOf(prefix).orElseThrow(() -> invalid(secretName, "unknown kind \"" + prefix + "\"; expected " + FORMAT));
    String namespace = secretName.substring(colon + 1, slash);
    String name = secretName.substring(slash + 1);
    try {
      // Namespace and name follow Kubernetes' naming rules; the identity type checks them.
      new ServiceIdentity(name, namespace);
    } catch (IllegalArgumentException e) {
      throw invalid(secretName, e.getMessage());
    }
    return new SdsSecretName(kind, namespace, name);
  }

  /** {@code service-cert:<ns>/<sa>}: the service account's own certificate and key. */
  public static SdsSecretName serviceCertificate(ServiceIdentity identity) {
    return new SdsSecretName(Kind.SERVICE_CERT, identity.namespace(), identity.serviceAccount());
  }

  /** {@code root-cert-for-mtls-inbound:<ns>/<sa>}: the roots the service account validates its callers with. */
  public static SdsSecretName inboundValidation(ServiceIdentity identity) {
    return new SdsSecretName(Kind.ROOT_CERT_FOR_MTLS_INBOUND, identity.namespace(), identity.serviceAccount());
  }

  /** For service-cert and inbound roots, the service account the secret belongs to. */
  public ServiceIdentity serviceAccount() {
    return new ServiceIdentity(name, namespace);
  }

  @Override
  public String toString() {
    return kind.prefix + ":" + namespace + "/" + name;
  }

  private static Optional<Kind> kindOf(String prefix) {
    for (Kind kind : Kind.values()) {
      if (kind.prefix.equals(prefix)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  private static IllegalArgumentException invalid(String secretName, String why) {
    return new IllegalArgumentException("invalid certificate string resource format \"" + secretName + "\": " + why);
  }
}

package io.openservicemesh.sds;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.openservicemesh.identity.SdsSecretName;

/**
 * The piece of a secret that delivery evidence is about: the trusted CAs of a validation context, or the
 * certificate chain of a service certificate, never its private key. Returned as the very String inside the
 * proto (SecretBuilder puts the certificate's or the trust bundle's own String there), so remembering it per
 * stream costs a reference, not a copy.
 */
final class Material {

  private Material() {}

  /** The trust bundle or the certificate chain the secret carries inline; null when it carries neither. */
  static String of(Secret secret) {
    if (secret.hasValidationContext()) {
      return inlineText(secret.getValidationContext().getTrustedCa());
    }
    if (secret.hasTlsCertificate()) {
      return inlineText(secret.getTlsCertificate().getCertificateChain());
    }
    return null;
  }

  /** Whether a subscribed name asks for a validation context (the mesh roots), by its kind. */
  static boolean isValidationContext(String secretName) {
    return hasPrefix(secretName, SdsSecretName.Kind.ROOT_CERT_FOR_MTLS_INBOUND)
        || hasPrefix(secretName, SdsSecretName.Kind.ROOT_CERT_FOR_MTLS_OUTBOUND);
  }

  /** Whether a subscribed name asks for the proxy's service certificate, by its kind. */
  static boolean isServiceCertificate(String secretName) {
    return hasPrefix(secretName, SdsSecretName.Kind.SERVICE_CERT);
  }

  private static boolean hasPrefix(String secretName, SdsSecretName.Kind kind) {
    String prefix = kind.prefix();
    return secretName.length() > prefix.length() && secretName.startsWith(prefix)
        && secretName.charAt(prefix.length()) == ':';
  }

  private static String inlineText(DataSource source) {
    return source.getSpecifierCase() == DataSource.SpecifierCase.INLINE_STRING ? source.getInlineString() : null;
  }
}

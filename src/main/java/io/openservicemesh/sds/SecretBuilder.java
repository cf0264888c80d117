package io.openservicemesh.sds;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.identity.ServiceIdentity;
import java.util.Collection;

/** Envoy's {@code Secret} messages for the three kinds of SDS secret. Pure: no lookups, no state. */
final class SecretBuilder {

  private SecretBuilder() {}

  /** {@code tls_certificate}: the chain and the private key, inline. */
  static Secret serviceCertificate(String name, Certificate certificate) {
    return Secret.newBuilder()
        .setName(name)
        .setTlsCertificate(TlsCertificate.newBuilder()
            .setCertificateChain(inline(certificate.certificateChainPem()))
            .setPrivateKey(inline(certificate.privateKeyPem())))
        .build();
  }

  /** The one SAN an outbound context without known identities accepts: the mesh CA never issues it. */
  static final String NO_KNOWN_IDENTITY = "urn:osm:no-known-identity";

  /** {@code validation_context} with the mesh roots: any mesh identity may call in. */
  static Secret inboundValidation(String name, String trustedCasPem) {
    return Secret.newBuilder()
        .setName(name)
        .setValidationContext(CertificateValidationContext.newBuilder().setTrustedCa(inline(trustedCasPem)))
        .build();
  }

  /**
   * {@code validation_context} with the mesh roots and the identities the upstream service may present: for
   * each of its service accounts the SPIFFE URI, or the DNS name {@code <sa>.<ns>.<trust-domain>} (Envoy accepts
   * a peer matching any one matcher). The DNS form is what a certificate carries when its CA would not put URI
   * SANs in it (a Vault role without {@code allowed_uri_sans}), as OSM matched peers; both forms are only ever
   * issued by the mesh CA for that service account, and the namespace (a DNS label) ends the DNS form
   * unambiguously before the fixed trust domain. With no identity known (a Service without selector or pods, or
   * no Kubernetes API to ask), the context matches {@link #NO_KNOWN_IDENTITY} only, which no mesh certificate
   * carries: Envoy accepts any peer when no matcher is given, and a proxy must not take any mesh workload for
   * the service it called.
   */
  static Secret outboundValidation(
      String name, String trustedCasPem, Collection<ServiceIdentity> upstreamIdentities, String trustDomain) {
    CertificateValidationContext.Builder context =
        CertificateValidationContext.newBuilder().setTrustedCa(inline(trustedCasPem));
    upstreamIdentities.stream().map(identity -> identity.spiffeId(trustDomain)).sorted()
        .forEach(spiffeId -> context.addMatchTypedSubjectAltNames(exactly(SubjectAltNameMatcher.SanType.URI, spiffeId)));
    upstreamIdentities.stream().map(identity -> identity.commonName(trustDomain)).sorted()
        .forEach(dnsName -> context.addMatchTypedSubjectAltNames(exactly(SubjectAltNameMatcher.SanType.DNS, dnsName)));
    if (upstreamIdentities.isEmpty()) {
      context.addMatchTypedSubjectAltNames(exactly(SubjectAltNameMatcher.SanType.URI, NO_KNOWN_IDENTITY));
    }
    return Secret.newBuilder().setName(name).setValidationContext(context).build();
  }

  private static SubjectAltNameMatcher exactly(SubjectAltNameMatcher.SanType type, String value) {
    return SubjectAltNameMatcher.newBuilder().setSanType(type).setMatcher(StringMatcher.newBuilder().setExact(value))
        .build();
  }

  /**
   * Inline as a string: the proto then holds the very String the certificate or the trust bundle holds, shared
   * by every stream, rather than a fresh byte copy per response; the delivery evidence refers to it.
   */
  private static DataSource inline(String pem) {
    return DataSource.newBuilder().setInlineString(pem).build();
  }
}

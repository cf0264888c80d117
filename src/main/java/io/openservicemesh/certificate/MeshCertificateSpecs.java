package io.openservicemesh.certificate;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How each certificate of the mission's table is shaped: common name, SANs, validity and key. The one place
 * that answers "what does a service certificate look like".
 */
public final class MeshCertificateSpecs {

  /** Bootstrap and webhook certificates live a decade, as in OSM; rotation still renews them in time. */
  public static final Duration INTERNAL_VALIDITY = Duration.ofDays(3650);

  static final String MUTATING_WEBHOOK_SERVICE = "osm-controller";
  static final String VALIDATING_WEBHOOK_SERVICE = "osm-config-validator";

  private final String trustDomain;
  private final String osmNamespace;
  private final Duration serviceValidity;
  private final KeySpec key;

  public MeshCertificateSpecs(String trustDomain, String osmNamespace, Duration serviceValidity, KeySpec key) {
    this.trustDomain = trustDomain;
    this.osmNamespace = osmNamespace;
    this.serviceValidity = serviceValidity;
    this.key = key;
  }

  /** {@code <sa>.<ns>.<trust-domain>}, DNS SAN = CN, plus the service account's SPIFFE URI. */
  public CertificateSpec service(ServiceIdentity identity) {
    String cn = identity.commonName(trustDomain);
    return new CertificateSpec(
        CertificateKind.SERVICE, cn, List.of(cn), List.of(URI.create(identity.spiffeId(trustDomain))),
        serviceValidity, key);
  }

  /** {@code <uuid>.<sa>.<ns>}, ten years, plus the proxy's SPIFFE URI. */
  public CertificateSpec xdsBootstrap(ProxyIdentity proxy) {
    String cn = proxy.commonName();
    return new CertificateSpec(
        CertificateKind.XDS_BOOTSTRAP, cn, List.of(cn), List.of(URI.create(proxy.spiffeId(trustDomain))),
        INTERNAL_VALIDITY, key);
  }

  /** {@code osm-controller.<osm-ns>.svc}: the name the API server calls the injector by. */
  public CertificateSpec mutatingWebhook() {
    return webhook(CertificateKind.MUTATING_WEBHOOK, MUTATING_WEBHOOK_SERVICE);
  }

  /** {@code osm-config-validator.<osm-ns>.svc}. */
  public CertificateSpec validatingWebhook() {
    return webhook(CertificateKind.VALIDATING_WEBHOOK, VALIDATING_WEBHOOK_SERVICE);
  }

  /**
   * The one certificate the control plane serves its TLS port with: CN {@code osm-controller.<osm-ns>.svc},
   * valid for both webhook Services (the injector's and the config validator's, which share the port) in their
   * short and fully qualified forms, plus any extra names for API servers that call the webhooks by URL.
   */
  public CertificateSpec servingCertificate(List<String> extraDnsNames) {
    CertificateSpec injector = mutatingWebhook();
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(injector.dnsNames());
    names.addAll(validatingWebhook().dnsNames());
    names.addAll(extraDnsNames);
    return new CertificateSpec(injector.kind(), injector.commonName(), List.copyOf(names), List.of(),
        INTERNAL_VALIDITY, key);
  }

  /** The service's in-cluster name is the CN; the fully qualified form is what Envoy's bootstrap dials. */
  private CertificateSpec webhook(CertificateKind kind, String service) {
    String cn = service + "." + osmNamespace + ".svc";
    return new CertificateSpec(kind, cn, List.of(cn, cn + ".cluster.local"), List.of(), INTERNAL_VALIDITY, key);
  }
}

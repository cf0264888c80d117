package io.openservicemesh.certificate;

import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.config.KeySpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How each certificate of the mission's table is shaped: common name, SANs, validity and key. The one place
 * that answers "what does a service certificate look like".
 */
public final class MeshCertificateSpecs {

  /**
   * By default bootstrap and webhook certificates live a decade, as in OSM. Rotation renews the webhooks'
   * serving certificate; a bootstrap certificate is handed to its pod's bootstrap Secret once and released, so
   * it is not renewed in place (yet).
   */
  public static final Duration INTERNAL_VALIDITY = Duration.ofDays(3650);

  static final String MUTATING_WEBHOOK_SERVICE = "osm-controller";
  static final String VALIDATING_WEBHOOK_SERVICE = "osm-config-validator";

  private final String trustDomain;
  private final String osmNamespace;
  private final Duration serviceValidity;
  private final Duration internalValidity;
  private final KeySpec key;

  /** Bootstrap and webhook certificates valid for {@link #INTERNAL_VALIDITY}. */
  public MeshCertificateSpecs(String trustDomain, String osmNamespace, Duration serviceValidity, KeySpec key) {
    this(trustDomain, osmNamespace, serviceValidity, INTERNAL_VALIDITY, key);
  }

  /**
   * @param internalValidity lifetime of xDS bootstrap and webhook serving certificates
   */
  public MeshCertificateSpecs(
      String trustDomain, String osmNamespace, Duration serviceValidity, Duration internalValidity, KeySpec key) {
    this.trustDomain = trustDomain;
    this.osmNamespace = osmNamespace;
    this.serviceValidity = serviceValidity;
    this.internalValidity = internalValidity;
    this.key = key;
  }

  /**
   * The spec a renewal of a certificate issued for {@code previous} gets under these (current) settings:
   * the same kind and names, this validity and key. So a changed validity or key algorithm takes effect at
   * each certificate's next renewal (OSM kept renewing with the settings of the first issuance, #4398).
   * Names are kept: a certificate's identity does not change by renewing it.
   */
  public CertificateSpec renewalOf(CertificateSpec previous) {
    return new CertificateSpec(
        previous.kind(), previous.commonName(), previous.dnsNames(), previous.uris(), validityOf(previous.kind()), key);
  }

  /** {@code <sa>.<ns>.<trust-domain>}, DNS SAN = CN, plus the service account's SPIFFE URI. */
  public CertificateSpec service(ServiceIdentity identity) {
    String cn = identity.commonName(trustDomain);
    return new CertificateSpec(
        CertificateKind.SERVICE, cn, List.of(cn), List.of(URI.create(identity.spiffeId(trustDomain))),
        serviceValidity, key);
  }

  /** {@code <uuid>.<sa>.<ns>}, the internal validity (ten years by default), plus the proxy's SPIFFE URI. */
  public CertificateSpec xdsBootstrap(ProxyIdentity proxy) {
    String cn = proxy.commonName();
    return new CertificateSpec(
        CertificateKind.XDS_BOOTSTRAP, cn, List.of(cn), List.of(URI.create(proxy.spiffeId(trustDomain))),
        internalValidity, key);
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
   * The serving certificates of the control plane's TLS endpoints, one per webhook as the mission's table names
   * them: the mutating webhook's (also the SDS endpoint's, which Envoy dials by the same Service) and the
   * config validator's, each with its Service's names plus any extra names for API servers that call the
   * webhooks by URL. Rotation renews each under its common name, keeping all its names (see {@link #renewalOf}).
   */
  public List<CertificateSpec> servingCertificates(List<String> extraDnsNames) {
    return List.of(withExtraNames(mutatingWebhook(), extraDnsNames), withExtraNames(validatingWebhook(), extraDnsNames));
  }

  private static CertificateSpec withExtraNames(CertificateSpec webhook, List<String> extraDnsNames) {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(webhook.dnsNames());
    names.addAll(extraDnsNames);
    return new CertificateSpec(webhook.kind(), webhook.commonName(), List.copyOf(names), webhook.uris(),
        webhook.validity(), webhook.key());
  }

  /** The service's in-cluster name is the CN; the fully qualified form is what Envoy's bootstrap dials. */
  private CertificateSpec webhook(CertificateKind kind, String service) {
    String cn = service + "." + osmNamespace + ".svc";
    return new CertificateSpec(
        kind, cn, List.of(cn, cn + ".cluster.local"), List.of(), internalValidity, key);
  }

  private Duration validityOf(CertificateKind kind) {
    return kind == CertificateKind.SERVICE ? serviceValidity : internalValidity;
  }
}

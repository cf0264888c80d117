package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.config.CertManagerSettings;
import io.openservicemesh.config.CertManagerIssuerKind;

/**
 * The cert-manager issuer mesh certificates are requested from: {@code spec.issuerRef} of every
 * CertificateRequest. A namespaced Issuer must live in the namespace of the requests (the OSM namespace).
 */
record IssuerReference(String name, CertManagerIssuerKind kind, String group, String namespace) {

  static IssuerReference of(CertManagerSettings settings, String osmNamespace) {
    return new IssuerReference(settings.issuerName(), settings.issuerKind(), settings.issuerGroup(), osmNamespace);
  }

  /** Only cert-manager's own kinds can be read and checked; external issuers have their own API. */
  boolean isCertManagerIssuer() {
    return CertificateRequestResource.GROUP.equals(group);
  }

  boolean isClusterScoped() {
    return kind == CertManagerIssuerKind.CLUSTER_ISSUER;
  }

  /** The resource name in cert-manager's API group: {@code issuers} or {@code clusterissuers}. */
  String plural() {
    return isClusterScoped() ? "clusterissuers" : "issuers";
  }

  CertificateRequestResource.IssuerRef toIssuerRef() {
    return new CertificateRequestResource.IssuerRef(name, kind.configName(), group);
  }

  /**
   * E.g. {@code Issuer osm-system/osm-ca}, {@code ClusterIssuer osm-ca}; an external issuer's group is named:
   * {@code Issuer osm-system/pca (group awspca.cert-manager.io)}.
   */
  @Override
  public String toString() {
    String text = kind.configName() + " " + (isClusterScoped() ? name : namespace + "/" + name);
    return isCertManagerIssuer() ? text : text + " (group " + group + ")";
  }
}

package io.openservicemesh.config;

import java.util.Arrays;
import java.util.Optional;

/** The kind of cert-manager issuer that signs mesh certificates. */
public enum CertManagerIssuerKind {
  ISSUER("Issuer"),
  CLUSTER_ISSUER("ClusterIssuer");

  private final String configName;

  CertManagerIssuerKind(String configName) {
    this.configName = configName;
  }

  /** The Kubernetes kind, e.g. {@code ClusterIssuer}. */
  public String configName() {
    return configName;
  }

  /**
   * Exact case only: the value is copied into CertificateRequest.spec.issuerRef.kind, where
   * cert-manager compares kinds case-sensitively, so a lenient match here would fail later.
   */
  public static Optional<CertManagerIssuerKind> fromConfigName(String value) {
    return Arrays.stream(values()).filter(k -> k.configName.equals(value)).findFirst();
  }
}

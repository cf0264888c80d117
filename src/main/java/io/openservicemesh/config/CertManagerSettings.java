package io.openservicemesh.config;

/** Which cert-manager issuer signs mesh certificates. */
public record CertManagerSettings(String issuerName, IssuerKind issuerKind, String issuerGroup) {}

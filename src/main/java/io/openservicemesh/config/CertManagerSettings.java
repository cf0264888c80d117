package io.openservicemesh.config;

import java.time.Duration;

/**
 * Which cert-manager issuer signs mesh certificates, and how the control plane treats its
 * CertificateRequests.
 *
 * @param requestTimeout how long one CertificateRequest may take to be signed
 * @param keepCertificateRequests true to leave requests in place after they finish (debugging)
 */
public record CertManagerSettings(
    String issuerName,
    CertManagerIssuerKind issuerKind,
    String issuerGroup,
    Duration requestTimeout,
    boolean keepCertificateRequests) {}

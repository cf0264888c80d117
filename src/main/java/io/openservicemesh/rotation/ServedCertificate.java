package io.openservicemesh.rotation;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import java.time.Instant;
import java.util.Optional;

/**
 * One of the control plane's own serving certificates as rotation sees it, for the readiness report.
 *
 * @param renewAt when rotation will renew it
 * @param lastRotation the last rotation announced for its kind
 */
public record ServedCertificate(
    CertificateKind kind,
    Optional<Certificate> current,
    Optional<Instant> renewAt,
    Optional<RotationJournal.Received> lastRotation) {}

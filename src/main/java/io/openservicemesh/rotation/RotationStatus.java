package io.openservicemesh.rotation;

import io.openservicemesh.certificate.OverdueReport;
import io.openservicemesh.certificate.ScheduledRenewal;
import java.time.Instant;
import java.util.Optional;

/**
 * The rotation as of its last pass, for the readiness report.
 *
 * @param lastPass when the last pass ran; empty before the first
 * @param overdue certificates overdue at the last pass (the first few listed by name)
 * @param nextRenewal the soonest scheduled renewal or retry
 * @param cachedCertificates certificates the manager holds
 * @param renewalsInFlight renewals claimed and not finished
 * @param rootCaWarning set while a trusted root is in the last 20% of its lifetime
 * @param lastRenewalFailure when the latest renewal failed: when, which certificate, and the CA's reason
 */
public record RotationStatus(
    Optional<Instant> lastPass,
    long renewals,
    long failures,
    long overdueTotal,
    OverdueReport overdue,
    Optional<ScheduledRenewal> nextRenewal,
    int cachedCertificates,
    int renewalsInFlight,
    Optional<String> rootCaWarning,
    Optional<String> lastRenewalFailure) {}

package io.openservicemesh.certificate;

import java.time.Instant;
import java.util.Optional;

/**
 * What an operator may see of one cached certificate: its public facts and its place in the renewal schedule.
 * Built from the certificate, never holding it, so nothing that lists these can reach a key.
 *
 * @param nextRenewal empty while a renewal is under way
 * @param failedRenewals failed renewal attempts since it was issued
 */
public record CachedCertificate(
    String commonName,
    CertificateKind kind,
    String serialHex,
    Instant notBefore,
    Instant notAfter,
    Optional<Instant> nextRenewal,
    int failedRenewals) {}

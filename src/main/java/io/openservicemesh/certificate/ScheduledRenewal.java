package io.openservicemesh.certificate;

import java.time.Instant;

/** The renewal instant scheduled for one common name (a renewal, or the retry of a failed one). */
public record ScheduledRenewal(String commonName, Instant at) {}

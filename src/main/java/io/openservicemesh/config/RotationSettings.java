package io.openservicemesh.config;

import java.time.Duration;

/**
 * How certificates are renewed: how often the rotation pass runs, when in its lifetime a
 * certificate is renewed and how far renewal instants are spread. Validated together with the
 * validities they apply to.
 *
 * @param checkInterval time between two rotation passes
 * @param renewBeforeFraction renew when this fraction of the lifetime remains (before jitter)
 * @param jitterFraction the renewal point moves by up to this fraction of the lifetime either way
 * @param allowShortValidity whether validities under the 10 minute minimum were allowed (tests
 *     only)
 * @param caRotationStartFraction the part of the built-in root's lifetime after which its rotation starts
 */
public record RotationSettings(
    Duration checkInterval,
    double renewBeforeFraction,
    double jitterFraction,
    boolean allowShortValidity,
    double caRotationStartFraction) {}

package io.openservicemesh.lifecycle;

/**
 * CDI event fired once when the certificate authority is up: consumers that need certificates before any
 * request arrives (the TLS endpoints' own serving certificates) start here.
 */
public record ControlPlaneReady(ControlPlane.Certificates certificates) {}

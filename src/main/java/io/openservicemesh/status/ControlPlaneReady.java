package io.openservicemesh.status;

/**
 * CDI event fired once when the certificate authority is up and the control plane's own certificates are
 * issued: consumers that act before any request arrives (the TLS endpoints, SDS pushes, the webhook
 * configurations' caBundle, the live configuration watch) start here. It carries nothing: each consumer reaches
 * what it needs through its own narrow interface.
 */
public record ControlPlaneReady() {}

package io.openservicemesh.lifecycle;

/**
 * CDI event fired when the rotation pass sees the issuer's trusted roots differ from the last pass (an external
 * CA such as Vault rotated or added a root): whoever hands the roots out (the webhook configurations' caBundle,
 * the SDS endpoint's trust store) brings them along now rather than at its next periodic check.
 */
public record TrustedRootsChanged(ControlPlane.Certificates certificates) {}

package io.openservicemesh.certificate;

/**
 * The roots every mesh certificate must chain to, as PEM: more than one while a root is being replaced. One
 * owner keeps it (the rotation reads the issuer's roots on each pass); a change is announced as {@link
 * TrustBundleChanged}, so no consumer needs to poll.
 */
@FunctionalInterface
public interface TrustBundle {

  /** @throws IssuanceException (retryable) while the control plane is not ready, naming why */
  String pem() throws IssuanceException;
}

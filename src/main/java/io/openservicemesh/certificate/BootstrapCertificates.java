package io.openservicemesh.certificate;

import io.openservicemesh.identity.ProxyIdentity;

/** The xDS bootstrap certificate of a proxy being injected: it authenticates the proxy to SDS. */
@FunctionalInterface
public interface BootstrapCertificates {

  /**
   * A fresh certificate for this proxy. The caller owns it: it is written into the pod's bootstrap Secret and
   * not kept by the control plane.
   *
   * @throws IssuanceException when it cannot be issued, or (retryable) while the control plane is not ready
   */
  Certificate bootstrapCertificate(ProxyIdentity proxy) throws IssuanceException;
}

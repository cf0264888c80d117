package io.openservicemesh.certificate;

import io.openservicemesh.identity.ServiceIdentity;

/** The certificate of a service account, as SDS hands it to that account's proxies. */
@FunctionalInterface
public interface ServiceCertificates {

  /**
   * The current certificate (cached and renewed by rotation), issued on first use.
   *
   * @throws IssuanceException when it cannot be issued, or (retryable) while the control plane is not ready
   */
  Certificate serviceCertificate(ServiceIdentity identity) throws IssuanceException;
}

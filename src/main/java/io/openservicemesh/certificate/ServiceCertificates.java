package io.openservicemesh.certificate;

import io.openservicemesh.identity.ServiceIdentity;

/** The certificate of a service account, as SDS hands it to that account's proxies. */
public interface ServiceCertificates {

  /**
   * The current certificate (cached and renewed by rotation), issued on first use.
   *
   * @throws IssuanceException when it cannot be issued, or (retryable) while the control plane is not ready
   */
  Certificate serviceCertificate(ServiceIdentity identity) throws IssuanceException;

  /**
   * No proxy of this identity is connected any more: its certificate is forgotten and no longer renewed, so the
   * control plane's memory and renewal work follow the live mesh. A later request issues a new one.
   */
  void release(ServiceIdentity identity);
}

package io.openservicemesh.certificate;

import java.util.List;

/**
 * The control plane's own serving certificates, one per webhook as the mission's table names them (see {@link
 * MeshCertificateSpecs#servingCertificates}): issued at start-up, renewed by rotation.
 */
public interface ServingCertificates {

  /** @throws IssuanceException (retryable) while the control plane is not ready */
  List<CertificateSpec> specs() throws IssuanceException;

  /** The current certificate of one of {@link #specs()}. */
  Certificate current(CertificateSpec spec) throws IssuanceException;
}

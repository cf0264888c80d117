package io.openservicemesh.certificate;

import io.openservicemesh.identity.ProxyIdentity;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** The xDS bootstrap certificate of a proxy being injected: it authenticates the proxy to SDS. */
public interface BootstrapCertificates {

  /**
   * A fresh certificate for this proxy. The caller owns it: it is written into the pod's bootstrap Secret and
   * not kept by the control plane.
   *
   * @throws IssuanceException when it cannot be issued, or (retryable) while the control plane is not ready
   */
  Certificate bootstrapCertificate(ProxyIdentity proxy) throws IssuanceException;

  /**
   * The root new certificates are issued under, when the control plane's roots are its own (Tresor): a stored
   * credential issued under another root of the mesh (the one a rotation retires) is renewed. Empty for an
   * external CA, whose roots change on its own schedule.
   */
  default Optional<X509Certificate> signingRoot() {
    return Optional.empty();
  }
}

package io.openservicemesh.certificate;

import io.openservicemesh.config.IssuerBackendKind;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.crypto.CryptoProvider;

/**
 * A certificate manager kind (tresor, vault, cert-manager) as a CDI bean: it knows how to bring its
 * {@link io.openservicemesh.certificate.Issuer} up from the settings. {@code OpenServiceMesh.certificateManager}
 * picks the bean whose {@link #kind()} matches.
 */
public interface IssuerBackend {

  IssuerBackendKind kind();

  /**
   * Connects to the CA or loads it; may take time (API calls). Called again after a failure, with backoff.
   *
   * @param crypto makes the key pairs the control plane generates itself and the signatures it makes (a backend
   *     whose CA makes keys and signs, such as Vault, has no use for it)
   * @throws StartupException naming what is wrong and what to do
   */
  StartedIssuer start(MeshSettings settings, CryptoProvider crypto) throws StartupException;
}

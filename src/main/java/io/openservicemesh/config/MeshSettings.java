package io.openservicemesh.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The control plane's settings, typed and validated: holding one means every value was accepted.
 * Make it with {@link MeshSettingsParser}.
 *
 * @param clockSkewAllowance how far NotBefore of issued certificates is backdated
 * @param localCaBundleDirectory as configured; a relative path resolves against the server's
 *     working directory
 * @param internalCertValidity lifetime of xDS bootstrap and webhook serving certificates
 * @param rotation when and how often certificates are renewed
 * @param injector what the sidecar injector adds to pods
 * @param webhooks the admission webhooks' registration and serving names
 * @param cryptoProvider which JCA provider makes key pairs and signatures
 */
public record MeshSettings(
    IssuerBackendKind certificateManager,
    String caBundleSecretName,
    String osmNamespace,
    String trustDomain,
    Duration serviceCertValidity,
    Duration caValidity,
    KeySpec certKey,
    KeySpec caKey,
    Duration clockSkewAllowance,
    Path localCaBundleDirectory,
    VaultSettings vault,
    CertManagerSettings certManager,
    SdsSettings sds,
    Duration internalCertValidity,
    RotationSettings rotation,
    InjectorSettings injector,
    WebhookSettings webhooks,
    CryptoProviderChoice cryptoProvider) {}

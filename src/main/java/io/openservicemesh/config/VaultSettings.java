package io.openservicemesh.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach Vault and authenticate to it. Host and token are null unless the certificate
 * manager is vault, since they have no defaults and are only required then.
 *
 * @param host a host name or IP address, without scheme, port or path (an IPv6 address is bare,
 *     so a URL needs brackets around it)
 * @param protocol "http" or "https", in lowercase
 * @param token the static token; null with Kubernetes auth
 * @param role the PKI role that issues mesh certificates
 * @param pkiMount where the PKI secrets engine is mounted, without leading or trailing '/'
 * @param caFile PEM CA certificates Vault's HTTPS certificate must chain to; null for the JVM's
 *     default trust store
 * @param kubernetesRole the Kubernetes auth role; null unless authMethod is kubernetes
 * @param kubernetesMount where the Kubernetes auth method is mounted
 * @param serviceAccountTokenPath the JWT presented at a Kubernetes auth login
 * @param requestTimeout the limit of one HTTP request, connecting included
 * @param caRefreshInterval how often Vault's CA is read again
 */
public record VaultSettings(
    String host,
    String protocol,
    int port,
    String token,
    String role,
    String pkiMount,
    Path caFile,
    VaultAuthMethod authMethod,
    String kubernetesRole,
    String kubernetesMount,
    Path serviceAccountTokenPath,
    Duration requestTimeout,
    Duration caRefreshInterval) {

  /** Written by hand so that the token never reaches a log through string concatenation. */
  @Override
  public String toString() {
    return "VaultSettings[host="
        + host
        + ", protocol="
        + protocol
        + ", port="
        + port
        + ", token="
        + (token == null ? null : Setting.REDACTED)
        + ", role="
        + role
        + ", pkiMount="
        + pkiMount
        + ", caFile="
        + caFile
        + ", authMethod="
        + authMethod.configName()
        + ", kubernetesRole="
        + kubernetesRole
        + ", kubernetesMount="
        + kubernetesMount
        + ", serviceAccountTokenPath="
        + serviceAccountTokenPath
        + ", requestTimeout="
        + GoDuration.format(requestTimeout)
        + ", caRefreshInterval="
        + GoDuration.format(caRefreshInterval)
        + "]";
  }
}

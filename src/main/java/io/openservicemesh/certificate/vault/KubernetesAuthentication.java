package io.openservicemesh.certificate.vault;

import io.openservicemesh.config.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Vault's Kubernetes auth method: the pod's service-account token (a JWT) is exchanged for a Vault
 * token. The JWT is read afresh at every login because Kubernetes rotates projected tokens (hourly
 * by default); it is never logged.
 */
final class KubernetesAuthentication implements VaultAuthentication {

  private final VaultClient client;
  private final String mount;
  private final String role;
  private final Path serviceAccountToken;

  KubernetesAuthentication(VaultClient client, String mount, String role, Path serviceAccountToken) {
    this.client = client;
    this.mount = mount;
    this.role = role;
    this.serviceAccountToken = serviceAccountToken;
  }

  @Override
  public TokenGrant authenticate() throws VaultException, IOException {
    return client.kubernetesLogin(mount, role, readJwt());
  }

  @Override
  public boolean logsIn() {
    return true;
  }

  @Override
  public String describe() {
    return "Kubernetes auth role " + role + " at auth/" + mount;
  }

  private String readJwt() throws IOException {
    String key = Setting.VAULT_SERVICE_ACCOUNT_TOKEN_PATH.key();
    String jwt;
    try {
      jwt = Files.readString(serviceAccountToken, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      // The exception's own text names the file and the cause, never its content.
      throw new IOException("cannot read the service account token " + serviceAccountToken + " (" + key
          + "): " + e, e);
    }
    if (jwt.isEmpty()) {
      throw new IOException("the service account token " + serviceAccountToken + " (" + key + ") is empty");
    }
    return jwt;
  }
}

package io.openservicemesh.certificate.vault;

/** The token of {@code OpenServiceMesh.vault.token}: looked up, renewed while Vault allows it. */
final class StaticTokenAuthentication implements VaultAuthentication {

  private final VaultClient client;
  private final VaultToken token;

  StaticTokenAuthentication(VaultClient client, VaultToken token) {
    this.client = client;
    this.token = token;
  }

  @Override
  public TokenGrant authenticate() throws VaultException {
    return client.lookupSelf(token);
  }

  @Override
  public boolean logsIn() {
    return false;
  }

  @Override
  public String describe() {
    return "static token (OpenServiceMesh.vault.token)";
  }
}

package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.rootchange.ExternalTrust;
import io.openservicemesh.certificate.store.CaStoreException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * What a started Vault issuer keeps alive between requests: its token, its view of Vault's CA, and the
 * published copy of what the mesh trusts of it. The maintenance timer drives all three; readiness reads the
 * token's state.
 */
final class VaultSession {

  private static final Logger LOG = Logger.getLogger(VaultSession.class.getName());

  private final VaultTokenKeeper tokens;
  private final VaultTrust trust;
  private final ExternalTrust meshTrust;
  private final AtomicBoolean maintaining = new AtomicBoolean();
  private String lastPublishFailure = "";

  /** @param meshTrust what the mesh trusts of Vault's roots: published to the CA bundle store when it changes */
  VaultSession(VaultTokenKeeper tokens, VaultTrust trust, ExternalTrust meshTrust) {
    this.tokens = tokens;
    this.trust = trust;
    this.meshTrust = meshTrust;
  }

  /** One round of upkeep; skipped when the previous round is still running (Vault slow to answer). */
  void maintain() {
    if (!maintaining.compareAndSet(false, true)) {
      return;
    }
    try {
      tokens.maintain();
      trust.maintain();
      publish();
    } finally {
      maintaining.set(false);
    }
  }

  /** A failure is told once per reason and tried again at the next round. */
  private void publish() {
    try {
      trust.publish(meshTrust.roots());
      lastPublishFailure = "";
    } catch (CaStoreException e) {
      if (!e.getMessage().equals(lastPublishFailure)) {
        lastPublishFailure = e.getMessage();
        LOG.warning(() -> "cannot publish the mesh's Vault roots to " + trust.storeLocation() + " (tried again at"
            + " the next upkeep): " + e.getMessage());
      }
    }
  }

  VaultTokenKeeper tokens() {
    return tokens;
  }
}

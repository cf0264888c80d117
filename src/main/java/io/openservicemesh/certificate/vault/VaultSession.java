package io.openservicemesh.certificate.vault;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a started Vault issuer keeps alive between requests: its token and its view of Vault's CA.
 * The maintenance timer drives both; readiness reads the token's state.
 */
final class VaultSession {

  private final VaultTokenKeeper tokens;
  private final VaultTrust trust;
  private final AtomicBoolean maintaining = new AtomicBoolean();

  VaultSession(VaultTokenKeeper tokens, VaultTrust trust) {
    this.tokens = tokens;
    this.trust = trust;
  }

  /** One round of upkeep; skipped when the previous round is still running (Vault slow to answer). */
  void maintain() {
    if (!maintaining.compareAndSet(false, true)) {
      return;
    }
    try {
      tokens.maintain();
      trust.maintain();
    } finally {
      maintaining.set(false);
    }
  }

  VaultTokenKeeper tokens() {
    return tokens;
  }
}

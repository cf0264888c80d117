package io.openservicemesh.crypto;

import io.openservicemesh.config.CryptoProviderChoice;
import io.openservicemesh.config.Setting;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Picks the provider of key generation and signatures from {@code OpenServiceMesh.cryptoProvider}, once, at
 * start-up, and logs the choice (and a fallback's reason) in one line.
 */
public final class CryptoProviderSelector {

  private static final Logger LOG = Logger.getLogger(CryptoProviderSelector.class.getName());
  private static final String SETTING = Setting.CRYPTO_PROVIDER.key();

  private final NativeProviderLoader nativeProvider;

  /** @param nativeProvider how the native provider is loaded; tests pass one that fails */
  public CryptoProviderSelector(NativeProviderLoader nativeProvider) {
    this.nativeProvider = nativeProvider;
  }

  /** @throws CryptoProviderUnavailableException when {@code accp} is demanded and cannot load here */
  public CryptoProviderSelection select(CryptoProviderChoice requested) throws CryptoProviderUnavailableException {
    CryptoProviderSelection selection = switch (requested) {
      case BOUNCYCASTLE -> bouncyCastle(requested, Optional.empty());
      case ACCP -> {
        try {
          yield accp(requested);
        } catch (NativeProviderUnavailableException e) {
          throw new CryptoProviderUnavailableException(SETTING + " is accp, but " + e.getMessage() + ". Run on"
              + " Linux x86_64 or aarch64 with that directory writable, or set " + SETTING + " to auto (use it"
              + " where it loads, BouncyCastle elsewhere) or bouncycastle.", e);
        }
      }
      case AUTO -> {
        try {
          yield accp(requested);
        } catch (NativeProviderUnavailableException e) {
          yield bouncyCastle(requested, Optional.of(e.getMessage()));
        }
      }
    };
    log(selection);
    return selection;
  }

  private CryptoProviderSelection accp(CryptoProviderChoice requested) throws NativeProviderUnavailableException {
    JcaCryptoProvider accp = CryptoProviders.accp(nativeProvider.load());
    return new CryptoProviderSelection(accp, accp.implementation(), requested, Optional.empty());
  }

  private static CryptoProviderSelection bouncyCastle(CryptoProviderChoice requested, Optional<String> fallback) {
    JcaCryptoProvider bouncyCastle = CryptoProviders.bouncyCastle();
    return new CryptoProviderSelection(bouncyCastle, bouncyCastle.implementation(), requested, fallback);
  }

  private static void log(CryptoProviderSelection selection) {
    String chosen = "key generation and certificate signatures use " + selection.provider().name() + " ("
        + selection.implementation() + "), " + SETTING + "=" + selection.requested().configName();
    selection.fallbackReason().ifPresentOrElse(
        reason -> LOG.warning(() -> chosen + ", falling back from the native provider: " + reason
            + "; set " + SETTING + "=bouncycastle to choose BouncyCastle outright"),
        () -> LOG.info(chosen));
  }
}

package io.openservicemesh.crypto;

import io.openservicemesh.config.CryptoProviderChoice;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The provider in use, what the configuration asked for, and why the native provider was not used when
 * {@code auto} fell back.
 */
public record CryptoProviderSelection(
    CryptoProvider provider, String implementation, CryptoProviderChoice requested, Optional<String> fallbackReason) {

  /** For readiness: {@code cryptoProvider}, its implementation, the setting, and the fallback's reason if any. */
  public Map<String, String> details() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("cryptoProvider", provider.name());
    details.put("cryptoProviderImplementation", implementation);
    details.put("cryptoProviderSetting", requested.configName());
    fallbackReason.ifPresent(reason -> details.put("cryptoProviderFallback", reason));
    return details;
  }
}

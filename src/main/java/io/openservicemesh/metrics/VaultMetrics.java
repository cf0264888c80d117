package io.openservicemesh.metrics;

import io.openservicemesh.certificate.vault.VaultMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.DoubleSupplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/** Vault, as the Vault issuer sees it: the token's remaining life and the requests that failed. */
@ApplicationScoped
public class VaultMetrics implements VaultMeter {

  static final Metadata ERRORS = Metadata.builder().withName("osm_vault_request_errors")
      .withDescription("Requests to Vault that failed, by HTTP status, or by timeout, unreachable or tls when"
          + " Vault gave no answer").build();
  static final Metadata TOKEN = Metadata.builder().withName("osm_vault_token_remaining_seconds")
      .withDescription("Seconds until the Vault token expires: negative once it has, +Inf for a token without"
          + " expiry").build();

  @Inject MetricRegistry registry;

  @Override
  public void requestFailed(String status) {
    registry.counter(ERRORS, new Tag("status", status)).inc();
  }

  /** A later start (after a failed one) keeps a new token: the gauge follows the latest. */
  @Override
  public synchronized void tokenKept(DoubleSupplier secondsLeft) {
    registry.remove(TOKEN.getName());
    registry.gauge(TOKEN, secondsLeft::getAsDouble);
  }
}

package io.openservicemesh.certificate.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Whether to ask Vault for the SPIFFE URI SANs. The mission's own demo role ({@code allow_any_name=true
 * allow_subdomains=true}) says nothing about URI SANs, and Vault refuses every request carrying {@code
 * uri_sans} for such a role. Rather than fail every issuance, the issuer then issues without them: peers are
 * matched by their DNS SAN {@code <sa>.<ns>.<trust-domain>}, which the same CA vouches for. The operator is
 * told once, naming the role setting that enables them; after {@link #RETRY_AFTER} the URIs are asked for
 * again, so a role fixed by the operator is noticed without a restart.
 */
final class UriSanPolicy {

  private static final Logger LOG = Logger.getLogger(UriSanPolicy.class.getName());

  /** Vault's refusal for a role without {@code allowed_uri_sans}. */
  static final String REFUSAL = "URI Subject Alternative Names are not allowed in this role";

  static final Duration RETRY_AFTER = Duration.ofHours(1);

  private final String rolePath;
  private final Clock clock;
  /** When the role last refused URI SANs; null while it is believed to allow them. */
  private final AtomicReference<Instant> refusedAt = new AtomicReference<>();

  /** @param rolePath e.g. {@code pki/roles/openservicemesh}, named in the warning */
  UriSanPolicy(String rolePath, Clock clock) {
    this.rolePath = rolePath;
    this.clock = clock;
  }

  /** The request to send: the spec's own, or without URI SANs while the role refuses them. */
  IssueRequest shape(IssueRequest request) {
    Instant refused = refusedAt.get();
    if (refused == null || request.uriSans().isEmpty()) {
      return request;
    }
    if (!clock.instant().isBefore(refused.plus(RETRY_AFTER))) {
      return request; // ask again: the operator may have changed the role
    }
    return request.withoutUriSans();
  }

  /**
   * Whether a refusal of {@code sent} means: ask again without URI SANs. True only for the role's URI SAN
   * refusal of a request that carried some; records it and warns when it is news.
   */
  boolean refusedUriSans(IssueRequest sent, VaultException refusal) {
    if (sent.uriSans().isEmpty() || refusal.status() != 400
        || refusal.errors().stream().noneMatch(error -> error.contains(REFUSAL))) {
      return false;
    }
    if (refusedAt.getAndSet(clock.instant()) == null) {
      LOG.warning(() -> "Vault's role " + rolePath + " does not allow URI SANs, so certificates are issued"
          + " without their SPIFFE IDs (e.g. " + sent.uriSans().get(0) + ") and peers are matched by their DNS"
          + " name <sa>.<ns>.<trust-domain> instead; to include the SPIFFE IDs, set allowed_uri_sans=\"spiffe://*\""
          + " (or spiffe://<trust-domain>/*) on " + rolePath);
    }
    return true;
  }

  /** A request that carried URI SANs succeeded: the role allows them (again). */
  void accepted(IssueRequest sent) {
    if (!sent.uriSans().isEmpty() && refusedAt.getAndSet(null) != null) {
      LOG.info(() -> "Vault's role " + rolePath + " now allows URI SANs: certificates carry SPIFFE IDs again");
    }
  }
}

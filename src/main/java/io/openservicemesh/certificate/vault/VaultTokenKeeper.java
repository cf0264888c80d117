package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.vault.VaultException.Kind;
import io.openservicemesh.schedule.Backoff;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a usable Vault token: obtains it at start, renews it after two thirds of its lease while it
 * is renewable, logs in again (Kubernetes auth) when renewal is refused or no longer extends it (its
 * max TTL), and retries failures with backoff. A token that expires anyway, or that Vault refuses,
 * makes {@link #status()} report the reason; the next successful renewal or login clears it.
 *
 * <p>Time comes from the injected clock and work from {@link #maintain()}, which a timer calls every
 * few seconds: it does nothing until the scheduled time of the next action. Request threads only read
 * an immutable snapshot ({@link #token()}); maintenance runs one at a time.
 */
final class VaultTokenKeeper {

  private static final Logger LOG = Logger.getLogger(VaultTokenKeeper.class.getName());

  /** A renewal that extends the lease by less than this has hit the token's max TTL. */
  static final Duration NO_PROGRESS = Duration.ofSeconds(1);

  /** Between failed renewals or logins: quick at first, then at most a minute apart. */
  static final Backoff RETRY = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60));

  /** What {@link #afterPermissionDenied} found out about a token Vault refused a request for. */
  enum Denial {
    /** The token is fine: its policies do not allow the request. */
    POLICY,
    /** The token was refused and replaced (a new login): try the request again. */
    TOKEN_REPLACED,
    /** The token was refused and cannot be replaced now. */
    TOKEN_REFUSED
  }

  /** Readiness: whether the token is usable, and the facts behind it. */
  record Status(boolean usable, String reason, Map<String, String> details) {
    Status {
      details = Map.copyOf(details);
    }
  }

  /**
   * Everything about the current token, replaced as a whole so readers never see half an update.
   *
   * @param renewable false once renewal is refused or no longer extends the lease
   * @param refusal why Vault refuses the token; null while it accepts it
   * @param nextAttemptAt when maintenance acts next; null for never (a token without expiry)
   */
  private record State(
      TokenGrant grant,
      Instant obtainedAt,
      boolean renewable,
      String refusal,
      int failures,
      String lastFailure,
      Instant nextAttemptAt) {

    Instant expiresAt() {
      return grant.expires() ? obtainedAt.plus(grant.ttl()) : null;
    }

    boolean usableAt(Instant now) {
      Instant expiry = expiresAt();
      return refusal == null && (expiry == null || now.isBefore(expiry));
    }
  }

  private final VaultClient client;
  private final VaultAuthentication authentication;
  private final Clock clock;
  private final DoubleSupplier uniform;
  private final ReentrantLock working = new ReentrantLock();
  private volatile State state;
  private Instant expiryReported;

  VaultTokenKeeper(VaultClient client, VaultAuthentication authentication, Clock clock, DoubleSupplier uniform) {
    this.client = client;
    this.authentication = authentication;
    this.clock = clock;
    this.uniform = uniform;
  }

  /** Obtains the first token; start-up fails (and is retried) when this does. */
  void start() throws VaultException, IOException {
    working.lock();
    try {
      Instant now = clock.instant();
      TokenGrant grant = authentication.authenticate();
      state = fresh(grant, now);
      LOG.info(() -> "Vault token obtained with " + authentication.describe() + ": " + describe(state));
      if (grant.expires() && !grant.renewable() && !authentication.logsIn()) {
        LOG.warning(() -> "the Vault token is not renewable: it expires at " + state.expiresAt()
            + ", and the Vault issuer stops issuing then; give the control plane a renewable token, or use"
            + " OpenServiceMesh.vault.authMethod=kubernetes");
      }
    } finally {
      working.unlock();
    }
  }

  /** The token to send now. */
  VaultToken token() throws TokenUnavailableException {
    State current = state;
    if (current == null) {
      throw new TokenUnavailableException("the Vault token has not been obtained yet");
    }
    Instant now = clock.instant();
    if (!current.usableAt(now)) {
      throw new TokenUnavailableException(unusableReason(current));
    }
    return current.grant().token();
  }

  /** Renews or replaces the token when its time has come; a no-op otherwise. Called by a timer. */
  void maintain() {
    if (!working.tryLock()) {
      return; // the previous run is still talking to Vault
    }
    try {
      State current = state;
      if (current == null) {
        return;
      }
      Instant now = clock.instant();
      reportExpiry(current, now);
      if (current.nextAttemptAt() != null && !now.isBefore(current.nextAttemptAt())) {
        refresh(current, now);
      }
    } finally {
      working.unlock();
    }
  }

  /**
   * After Vault answered 403 to a request made with {@code used}: finds out whether the token itself is
   * refused (revoked, expired at Vault) or only lacks a policy, and replaces a refused token when it can.
   */
  Denial afterPermissionDenied(VaultToken used) {
    working.lock();
    try {
      State current = state;
      if (current == null) {
        return Denial.TOKEN_REFUSED;
      }
      if (!current.grant().token().equals(used)) {
        return Denial.TOKEN_REPLACED; // maintenance replaced it meanwhile
      }
      Instant now = clock.instant();
      try {
        client.lookupSelf(used);
        return Denial.POLICY;
      } catch (VaultException e) {
        if (e.kind() != Kind.PERMISSION_DENIED) {
          return Denial.POLICY; // cannot tell: report the request's own 403
        }
        State refused = refuse(current, e);
        state = refused;
        LOG.severe(() -> "Vault refuses the control plane's token (revoked, or expired at Vault): " + e.getMessage());
        if (!authentication.logsIn()) {
          return Denial.TOKEN_REFUSED;
        }
        refresh(refused, now);
        return state.usableAt(clock.instant()) ? Denial.TOKEN_REPLACED : Denial.TOKEN_REFUSED;
      }
    } finally {
      working.unlock();
    }
  }

  /** Whether a refused or expired token can be replaced by a new login. */
  boolean logsIn() {
    return authentication.logsIn();
  }

  /**
   * Seconds until the current token expires: negative once it has, positive infinity for a token without expiry,
   * NaN before the first token.
   */
  double secondsLeft() {
    State current = state;
    if (current == null) {
      return Double.NaN;
    }
    Instant expiry = current.expiresAt();
    if (expiry == null) {
      return Double.POSITIVE_INFINITY;
    }
    return Duration.between(clock.instant(), expiry).toMillis() / 1000.0;
  }

  Status status() {
    State current = state;
    if (current == null) {
      return new Status(false, "the Vault token has not been obtained yet", Map.of());
    }
    Instant now = clock.instant();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("vaultAuth", authentication.describe());
    Instant expiry = current.expiresAt();
    details.put("tokenExpiresAt", expiry == null ? "never" : expiry.toString());
    details.put("tokenRenewable", Boolean.toString(current.renewable()));
    if (current.nextAttemptAt() != null) {
      details.put("tokenNextActionAt", current.nextAttemptAt().toString());
    }
    if (current.failures() > 0) {
      details.put("tokenFailedAttempts", Integer.toString(current.failures()));
      details.put("tokenLastFailure", current.lastFailure());
    }
    boolean usable = current.usableAt(now);
    return new Status(usable, usable ? "" : unusableReason(current), details);
  }

  private void refresh(State current, Instant now) {
    try {
      State next;
      if (current.refusal() == null && current.usableAt(now) && current.renewable()) {
        next = renew(current, now);
      } else {
        TokenGrant grant = authentication.authenticate();
        next = fresh(grant, now);
        State replaced = next;
        LOG.info(() -> "Vault token " + (authentication.logsIn() ? "obtained by a new login" : "looked up again")
            + " with " + authentication.describe() + ": " + describe(replaced));
      }
      if (current.failures() > 0 || current.refusal() != null || !current.usableAt(now)) {
        LOG.info("the Vault token is usable again");
      }
      state = next;
    } catch (VaultException e) {
      boolean tokenRefused = e.kind() == Kind.PERMISSION_DENIED && current.refusal() == null
          && !authentication.logsIn();
      State failed = failed(tokenRefused ? refuse(current, e) : current, now, e.getMessage());
      state = failed;
      logFailure(current, failed, e.getMessage());
    } catch (IOException e) {
      State failed = failed(current, now, e.getMessage());
      state = failed;
      logFailure(current, failed, e.getMessage());
    }
  }

  /** Renews; when Vault refuses or no longer extends the token, logs in again if this method can. */
  private State renew(State current, Instant now) throws VaultException, IOException {
    TokenGrant renewed;
    try {
      renewed = client.renewSelf(current.grant().token());
    } catch (VaultException e) {
      // 400 ("lease is not renewable") or 403: renewing again will not help.
      boolean hopeless = e.kind() == Kind.REJECTED || e.kind() == Kind.PERMISSION_DENIED;
      if (hopeless && authentication.logsIn()) {
        LOG.info(() -> "Vault refused to renew the token (" + e.getMessage() + "); logging in again");
        return fresh(authentication.authenticate(), now);
      }
      if (e.kind() == Kind.REJECTED) {
        LOG.warning(() -> "Vault will not renew the token (" + e.getMessage() + "): it expires at "
            + current.expiresAt() + ", and the Vault issuer stops issuing then; give the control plane a"
            + " renewable token, or use OpenServiceMesh.vault.authMethod=kubernetes");
        return new State(current.grant(), current.obtainedAt(), false, null, 0, null, current.expiresAt());
      }
      throw e;
    }
    State extended = fresh(renewed, now);
    Instant before = current.expiresAt();
    Instant after = extended.expiresAt();
    boolean progressed = before == null || after == null || after.isAfter(before.plus(NO_PROGRESS));
    if (progressed) {
      LOG.info(() -> "Vault token renewed: " + describe(extended));
      return extended;
    }
    if (authentication.logsIn()) {
      LOG.info(() -> "renewing the Vault token no longer extends it (its max TTL ends at " + after
          + "); logging in again");
      return fresh(authentication.authenticate(), now);
    }
    LOG.warning(() -> "the Vault token has reached its max TTL and cannot be extended: it expires at " + after
        + ", and the Vault issuer stops issuing then; give the control plane a new token before that, or use"
        + " OpenServiceMesh.vault.authMethod=kubernetes");
    return new State(renewed, now, false, null, 0, null, after);
  }

  /** A newly obtained or renewed token, and when to act on it next. */
  private State fresh(TokenGrant grant, Instant now) {
    if (!grant.expires()) {
      return new State(grant, now, grant.renewable(), null, 0, null, null);
    }
    Instant expiry = now.plus(grant.ttl());
    Instant next;
    if (grant.renewable() || authentication.logsIn()) {
      next = TokenSchedule.renewAt(now, expiry);
    } else {
      // Nothing can extend it; at expiry, look it up once more in case Vault still honours it.
      next = expiry;
    }
    return new State(grant, now, grant.renewable(), null, 0, null, next);
  }

  private static State refuse(State current, VaultException e) {
    return new State(current.grant(), current.obtainedAt(), false, e.getMessage(), current.failures(),
        current.lastFailure(), current.nextAttemptAt());
  }

  private State failed(State current, Instant now, String why) {
    int failures = current.failures() + 1;
    Instant next = now.plus(RETRY.delay(failures - 1, uniform.getAsDouble()));
    return new State(current.grant(), current.obtainedAt(), current.renewable(), current.refusal(), failures, why,
        next);
  }

  /** Loud on the first failure and on a new kind of failure; quiet while the same one repeats. */
  private void logFailure(State before, State after, String why) {
    Level level = Objects.equals(before.lastFailure(), why) ? Level.FINE
        : after.usableAt(clock.instant()) ? Level.WARNING : Level.SEVERE;
    LOG.log(level, () -> "could not renew or replace the Vault token (attempt " + after.failures() + ", next at "
        + after.nextAttemptAt() + "): " + why
        + (after.usableAt(clock.instant()) ? "; the token stays usable until " + after.expiresAt() : ""));
  }

  private void reportExpiry(State current, Instant now) {
    Instant expiry = current.expiresAt();
    if (expiry != null && !now.isBefore(expiry) && !expiry.equals(expiryReported) && current.refusal() == null) {
      expiryReported = expiry;
      LOG.severe(() -> unusableReason(current));
    }
  }

  private String unusableReason(State current) {
    Instant expiry = current.expiresAt();
    boolean expired = expiry != null && !clock.instant().isBefore(expiry);
    String reason;
    if (expired) {
      reason = "the Vault token expired at " + expiry
          + (current.refusal() != null ? " and Vault refuses it (" + current.refusal() + ")" : "");
    } else {
      reason = "Vault refuses the control plane's token: " + current.refusal();
    }
    if (current.lastFailure() != null && !current.lastFailure().equals(current.refusal())) {
      reason += "; the latest attempt to renew or replace it failed: " + current.lastFailure();
    }
    if (authentication.logsIn()) {
      return reason + "; logging in again is retried with backoff";
    }
    return reason + "; set a new token in OpenServiceMesh.vault.token and restart, or use"
        + " OpenServiceMesh.vault.authMethod=kubernetes";
  }

  private static String describe(State state) {
    TokenGrant grant = state.grant();
    if (!grant.expires()) {
      return "no expiry, policies " + grant.policies();
    }
    return "ttl " + grant.ttl().toSeconds() + "s, expires at " + state.expiresAt() + ", renewable "
        + grant.renewable() + ", next renewal at " + state.nextAttemptAt() + ", policies " + grant.policies();
  }
}

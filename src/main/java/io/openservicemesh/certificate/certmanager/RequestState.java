package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.certificate.certmanager.CertificateRequestResource.Condition;
import io.openservicemesh.certificate.certmanager.CertificateRequestResource.Conditions;
import io.openservicemesh.certificate.certmanager.CertificateRequestResource.Status;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a CertificateRequest stands, read from its status alone (a pure function, {@link #of}). cert-manager
 * documents the conditions: {@code Approved}/{@code Denied} are set once by an approver and never change;
 * {@code InvalidRequest=True} means the issuer refuses the request as written; {@code Ready} carries the reason
 * {@code Pending}, {@code Issued}, {@code Failed} or {@code Denied}. A failed or denied request is final: cert-manager
 * never retries it, so waiting on (as OSM did, for a fixed 60 s) only delays the error.
 */
sealed interface RequestState {

  /** Still in progress. {@code summary} describes the conditions so far, for a timeout message. */
  record Pending(String summary) implements RequestState {}

  /** Signed: the PEM of {@code status.certificate} and, when the issuer gave it, of {@code status.ca}. */
  record Issued(String certificatePem, Optional<String> caPem) implements RequestState {}

  /**
   * Finished without a certificate.
   *
   * @param retryable false when asking again cannot help (denied by policy, invalid for the issuer); true when a
   *     new request may succeed (the issuer failed, e.g. its CA Secret was missing)
   */
  record Refused(Refusal kind, String reason, String message, boolean retryable) implements RequestState {}

  /** How a request ended without a certificate. */
  enum Refusal {
    DENIED("was denied"),
    INVALID("was refused as invalid"),
    FAILED("failed"),
    READY_WITHOUT_CERTIFICATE("was reported Ready without a certificate"),
    MALFORMED("was answered with a malformed status");

    private final String verb;

    Refusal(String verb) {
      this.verb = verb;
    }

    /** E.g. "was denied", to follow "the CertificateRequest". */
    String verb() {
      return verb;
    }
  }

  static RequestState of(Status status) {
    Optional<Condition> denied = status.condition(Conditions.DENIED).filter(Condition::isTrue);
    if (denied.isPresent()) {
      return refused(Refusal.DENIED, denied.get(), false);
    }
    Optional<Condition> invalid = status.condition(Conditions.INVALID_REQUEST).filter(Condition::isTrue);
    if (invalid.isPresent()) {
      return refused(Refusal.INVALID, invalid.get(), false);
    }
    Optional<Condition> ready = status.condition(Conditions.READY);
    if (ready.isPresent() && ready.get().isTrue()) {
      try {
        Optional<String> certificate = status.certificatePem();
        if (certificate.isEmpty()) {
          return refused(Refusal.READY_WITHOUT_CERTIFICATE, ready.get(), true);
        }
        return new Issued(certificate.get(), status.caPem());
      } catch (IllegalArgumentException notBase64) {
        // The CRD's format: byte makes the API server refuse such a write; an issuer bypassing it is still named.
        return new Refused(Refusal.MALFORMED, "NotBase64",
            "status.certificate or status.ca is not base64 (" + notBase64.getMessage() + ")", false);
      }
    }
    if (ready.isPresent() && ready.get().isFalse()) {
      String reason = ready.get().reason();
      if (Conditions.REASON_DENIED.equals(reason)) {
        return refused(Refusal.DENIED, ready.get(), false);
      }
      if (Conditions.REASON_FAILED.equals(reason)) {
        return refused(Refusal.FAILED, ready.get(), true);
      }
    }
    if (status.failureTime() != null) {
      // cert-manager sets failureTime together with Ready=False/Failed; alone it still means "gave up".
      return new Refused(Refusal.FAILED, Conditions.REASON_FAILED,
          "status.failureTime is " + status.failureTime() + " (" + summary(status) + ")", true);
    }
    return new Pending(summary(status));
  }

  private static Refused refused(Refusal kind, Condition condition, boolean retryable) {
    String reason = condition.reason() == null ? condition.type() : condition.reason();
    String message = condition.message() == null ? "" : condition.message();
    return new Refused(kind, reason, message, retryable);
  }

  /** E.g. "Approved=True, Ready=False (Pending: Waiting on certificate issuance)", or "no conditions yet". */
  private static String summary(Status status) {
    if (status.conditionsOrEmpty().isEmpty()) {
      return "no conditions yet";
    }
    return status.conditionsOrEmpty().stream().map(Condition::describe).collect(Collectors.joining(", "));
  }
}

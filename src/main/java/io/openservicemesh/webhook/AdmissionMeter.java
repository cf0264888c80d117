package io.openservicemesh.webhook;

import java.time.Duration;

/**
 * Told how each admission request was answered and how long it took, so it can be counted without the webhook
 * knowing how. Called on the request's thread; must be quick and must not throw.
 */
@FunctionalInterface
public interface AdmissionMeter {

  AdmissionMeter NONE = (webhook, outcome, took) -> {};

  /** How an admission request ended. */
  enum Outcome {
    /** Allowed (with or without a patch). */
    ALLOWED,
    /** Denied by the webhook's rules, or refused for now (429). */
    DENIED,
    /** The webhook failed unexpectedly or could not decide (answered {@code allowed: false}, code 500). */
    ERROR,
    /** Not an AdmissionReview: the HTTP request was answered 4xx without a review. */
    MALFORMED
  }

  /** @param webhook the webhook's short name, from a fixed set ({@code injector}, {@code validator}) */
  void answered(String webhook, Outcome outcome, Duration took);
}

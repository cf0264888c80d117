package io.openservicemesh.sds;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an operator may see of one open SDS stream: who is on it, what it asked for, and how the proxy answered
 * the last response. Names and versions only; the secrets themselves are never part of it.
 *
 * @param proxy the proxy's certificate common name ({@code <uuid>.<sa>.<ns>})
 * @param identity its service identity ({@code <sa>.<ns>})
 * @param protocol {@code state-of-the-world} or {@code delta}
 * @param subscribed the SDS secret names the proxy subscribed to
 * @param lastAcked the version (state of the world) or response nonce (delta) the proxy last accepted
 * @param lastNack what the proxy last rejected, with its reason
 * @param closeAt when the server closes the stream (its maximum age)
 */
public record StreamView(
    String proxy,
    String identity,
    String protocol,
    List<String> subscribed,
    Optional<String> lastAcked,
    Optional<String> lastNack,
    Instant closeAt) {

  /** An Envoy's rejection reason is shown, not trusted: long texts are cut. */
  static final int MAX_NACK_LENGTH = 300;

  static Optional<String> nack(String rejected, String reason) {
    String text = rejected + ": " + reason;
    return Optional.of(text.length() > MAX_NACK_LENGTH ? text.substring(0, MAX_NACK_LENGTH - 3) + "..." : text);
  }
}

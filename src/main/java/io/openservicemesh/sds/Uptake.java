package io.openservicemesh.sds;

/**
 * How far one stream's client has taken up one piece of material (a trust bundle or a certificate chain),
 * read under the stream's lock and judged outside it.
 *
 * @param acked the material of the last response the client ACKed (the String inside the proto), or null
 * @param state what became of anything sent after that
 * @param about for PENDING, the response waited for ("version V", "response nonce N"); for REJECTED, the
 *     client's error detail, already trimmed; for ACKED, the ACKed version when there is one, else null
 */
record Uptake(String acked, State state, String about) {

  enum State {
    /** Nothing was sent after the ACKed response. */
    ACKED,
    /** A later response is not yet answered. */
    PENDING,
    /** The last response carrying it was NACKed: the client kept what it had. */
    REJECTED
  }

  /** The longest error detail kept: enough to act on, bounded so a chatty client cannot grow the heap. */
  static final int DETAIL_LIMIT = 200;

  /** The client's NACK detail on one line, at most {@link #DETAIL_LIMIT} characters. */
  static String trimmedDetail(String detail) {
    String oneLine = detail.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= DETAIL_LIMIT ? oneLine : oneLine.substring(0, DETAIL_LIMIT) + "...";
  }

  /** Why the client does not hold {@code wanted} (the words after "has not ACKed ..."). */
  String shortfall(String wanted) {
    return switch (state) {
      case PENDING -> "has not ACKed " + wanted + " (pending since " + about + ")";
      case REJECTED -> "has not ACKed " + wanted + ": last response NACKed: " + about;
      case ACKED -> "has not ACKed " + wanted + " ("
          + (acked == null ? "nothing ACKed" : about == null ? "what it ACKed carries another" : "its ACKed version "
              + about + " carries another") + ")";
    };
  }
}

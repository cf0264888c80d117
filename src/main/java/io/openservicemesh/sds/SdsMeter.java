package io.openservicemesh.sds;

/**
 * Told what happens on the SDS streams, so it can be counted without SDS knowing how. Called on the stream's
 * or the pusher's thread; must be quick and must not throw.
 */
public interface SdsMeter {

  SdsMeter NONE = new SdsMeter() {};

  /** Why streams were pushed to. */
  enum PushCause {
    /** The service certificate of the streams' identity was renewed. */
    CERTIFICATE,
    /** The trust bundle changed, or an upstream service got identities: every stream's validation contexts. */
    ROOTS
  }

  /** {@code streams} open streams were asked to send what changed. */
  default void pushed(PushCause cause, int streams) {}

  /** A proxy acknowledged a response (echoed its nonce without error detail). */
  default void acked() {}

  /** A proxy rejected a response (echoed its nonce with error detail). */
  default void nacked() {}

  /** A stream ended: closed by the client, broken, refused or closed at its maximum age. */
  default void streamReleased() {}

  /** The certificates of identities without a stream for the grace period were released. */
  default void identitiesReleased(int identities) {}
}

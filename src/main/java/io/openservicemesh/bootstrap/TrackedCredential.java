package io.openservicemesh.bootstrap;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * What the renewer knows of one proxy's bootstrap Secret between passes, so a pass touches the API only for
 * Secrets that need something. Mutable, and only ever used by the renewer's pass, one at a time.
 */
final class TrackedCredential {

  enum State {
    /** Not read yet (a new pod, or a new leader): the next pass reads it. */
    UNREAD,
    /** Read: its lifetime, roots and owner are known. */
    KNOWN,
    /** Not the mesh's: another mesh's proxy, or a Secret written by hand. Left alone. */
    FOREIGN,
    /** The pod's Secret does not exist (deleted by someone): nothing to renew, said once. */
    MISSING
  }

  MeshPod pod;
  State state = State.UNREAD;
  Instant notBefore;
  Instant notAfter;
  /** The certificate's jitter draw, made once per certificate. */
  double jitter;
  String trustedRootsPem;
  /** The certificate chain's top, which tells which root issued it. */
  X509Certificate issuedTop;
  boolean owned;
  int failures;
  Instant retryAt = Instant.MIN;
  String lastFailure;

  TrackedCredential(MeshPod pod) {
    this.pod = pod;
  }
}

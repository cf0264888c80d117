package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.Pem;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What this replica trusts of an external CA's roots, what the certificates it hands out may chain to, and the
 * root it expects them to be issued by. The issuer hands out {@link #pem()} as the mesh's trust bundle and
 * accepts the CA's answers only when they chain to {@link #issuable()}; the root change's follower sets all three
 * from the persisted phase, so a root the CA names is trusted everywhere before anything it signed is handed out,
 * and a root it dropped stays trusted until nothing it signed is left.
 */
public final class ExternalTrust {

  private record Held(List<X509Certificate> roots, String pem, X509Certificate signing,
      List<X509Certificate> issuable) {}

  private volatile Held held;

  /** @param roots the CA's roots at start-up, its signing root first */
  public ExternalTrust(List<X509Certificate> roots) {
    set(roots, roots.get(0), roots);
  }

  public List<X509Certificate> roots() {
    return held.roots();
  }

  public String pem() {
    return held.pem();
  }

  public X509Certificate signing() {
    return held.signing();
  }

  /** The roots a certificate handed out now may chain to: during a change, those every consumer trusts already. */
  public List<X509Certificate> issuable() {
    return held.issuable();
  }

  /** @return whether anything changed */
  boolean set(List<X509Certificate> roots, X509Certificate signing, List<X509Certificate> issuable) {
    Held current = held;
    if (current != null && current.roots().equals(roots) && current.signing().equals(signing)
        && current.issuable().equals(issuable)) {
      return false;
    }
    held = new Held(List.copyOf(roots), Pem.encode(roots), signing, List.copyOf(issuable));
    return true;
  }
}

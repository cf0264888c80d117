package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.Pem;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What this replica trusts of an external CA's roots, and the root it expects its certificates to be issued by.
 * The issuer hands out {@link #pem()} as the mesh's trust bundle and checks the CA's answers against
 * {@link #roots()}; the root change's follower sets both from the persisted phase, so a root the CA names is
 * trusted everywhere before anything it signed is expected, and a root it dropped stays trusted until nothing
 * it signed is left.
 */
public final class ExternalTrust {

  private record Held(List<X509Certificate> roots, String pem, X509Certificate signing) {}

  private volatile Held held;

  /** @param roots the CA's roots at start-up, its signing root first */
  public ExternalTrust(List<X509Certificate> roots) {
    set(roots, roots.get(0));
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

  /** @return whether anything changed */
  boolean set(List<X509Certificate> roots, X509Certificate signing) {
    Held current = held;
    if (current != null && current.roots().equals(roots) && current.signing().equals(signing)) {
      return false;
    }
    held = new Held(List.copyOf(roots), Pem.encode(roots), signing);
    return true;
  }
}

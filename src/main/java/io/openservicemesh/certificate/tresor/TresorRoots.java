package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.Pem;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * What Tresor signs with and what the mesh trusts, at one moment: one root in the steady state (the signing CA
 * itself, or the root above a signing intermediate), two while a root rotates (the outgoing and the incoming
 * root, whichever of them signs). The bundle lists the signing CA's root first, so a reader that takes only the
 * first root still gets the one that signs.
 */
public record TresorRoots(CaBundle signing, List<X509Certificate> trusted, String signingPem, String trustPem) {

  public TresorRoots {
    trusted = List.copyOf(trusted);
  }

  /** One root that signs and is the only one trusted. */
  public static TresorRoots of(CaBundle root) {
    return of(root, List.of());
  }

  /** @param alsoTrusted roots trusted beside the signing CA's own (the other root of a rotation) */
  public static TresorRoots of(CaBundle signing, List<X509Certificate> alsoTrusted) {
    List<X509Certificate> trusted = new ArrayList<>();
    trusted.add(signing.trustAnchor());
    alsoTrusted.stream().filter(root -> !trusted.contains(root)).forEach(trusted::add);
    return new TresorRoots(signing, trusted, Pem.encode(signing.certificate()), Pem.encode(trusted));
  }

  @Override
  public String toString() {
    return "TresorRoots[signing=" + signing + ", trusted=" + trusted.size() + " root(s)]";
  }
}

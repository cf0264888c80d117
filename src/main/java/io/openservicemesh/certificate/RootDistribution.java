package io.openservicemesh.certificate;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where the mesh's roots and the certificates they signed have gone: proxies' SDS streams, bootstrap Secrets,
 * webhook configurations, the certificate cache. A root rotation moves to its next step only on this evidence,
 * never after a sleep. Each answer lists what is still waited for, in words an operator can act on (at most a
 * few entries, then a count); an empty list is the evidence.
 */
public interface RootDistribution {

  /** What has not yet taken up (for SDS: ACKed) exactly this trust bundle. */
  List<String> notHolding(String trustBundlePem);

  /** What still holds or serves a certificate that the given root did not issue. */
  List<String> notIssuedBy(X509Certificate root);

  /** Nothing to wait for: a consumer that is not there. */
  RootDistribution NONE = new RootDistribution() {
    @Override
    public List<String> notHolding(String trustBundlePem) {
      return List.of();
    }

    @Override
    public List<String> notIssuedBy(X509Certificate root) {
      return List.of();
    }
  };
}

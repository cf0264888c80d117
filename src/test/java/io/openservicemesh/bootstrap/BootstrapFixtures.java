package io.openservicemesh.bootstrap;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.testing.TestCa;
import java.time.Clock;
import java.time.Duration;

/** Bootstrap certificates from the shared Tresor test root, shaped as the control plane shapes them. */
final class BootstrapFixtures {

  static final String OSM_NAMESPACE = "osm-system";

  private BootstrapFixtures() {}

  static Certificate issue(ProxyIdentity proxy) {
    return issue(proxy, Clock.systemUTC(), MeshCertificateSpecs.INTERNAL_VALIDITY);
  }

  static Certificate issue(ProxyIdentity proxy, Clock clock, Duration validity) {
    MeshCertificateSpecs specs = new MeshCertificateSpecs(
        "cluster.local", OSM_NAMESPACE, Duration.ofHours(24), validity, KeySpec.ECDSA_P256);
    return TestCa.issuer(clock).issue(specs.xdsBootstrap(proxy));
  }
}

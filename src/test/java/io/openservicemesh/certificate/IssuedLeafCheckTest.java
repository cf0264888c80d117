package io.openservicemesh.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An external CA's answer is the certificate asked for, or it is refused naming every difference. */
class IssuedLeafCheckTest {

  private final CertificateSpec spec = new MeshCertificateSpecs("cluster.local", "osm-system", Duration.ofHours(1),
      KeySpec.ECDSA_P256).service(new ServiceIdentity("bookstore", "bookstore"));
  private final Certificate issued = TestCa.issuer().issue(spec);

  private static List<String> uris(CertificateSpec spec) {
    return spec.uris().stream().map(java.net.URI::toString).toList();
  }

  @Test
  void theCertificateAskedForPasses() {
    assertThat(IssuedLeafCheck.problems(issued.leaf(), spec.commonName(), spec.dnsNames(), uris(spec))).isEmpty();
  }

  @Test
  void anotherNameOrAnIdentityNobodyAskedForIsNamed() {
    List<String> problems = IssuedLeafCheck.problems(issued.leaf(), "bookbuyer.bookbuyer.cluster.local",
        List.of("bookbuyer.bookbuyer.cluster.local"), List.of());

    assertThat(problems).containsExactly(
        "it is for CN bookstore.bookstore.cluster.local, not the requested bookbuyer.bookbuyer.cluster.local",
        "it lacks the requested DNS SANs [bookbuyer.bookbuyer.cluster.local]",
        "it names DNS SANs nobody asked for [bookstore.bookstore.cluster.local]",
        "it names URI SANs nobody asked for [spiffe://cluster.local/ns/bookstore/sa/bookstore]");
  }

  @Test
  void aCaCertificateIsNoLeaf() {
    Certificate root = new Certificate(List.of(TestCa.fixedRoot().certificate()), "", "", "");
    String name = TestCa.fixedRoot().certificate().getSubjectX500Principal().getName().replace("CN=", "");

    assertThat(IssuedLeafCheck.problems(root.leaf(), name, List.of(), List.of()))
        .contains("it is a CA certificate (BasicConstraints CA=true), not a leaf");
  }
}

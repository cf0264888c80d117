package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.certificate.certmanager.FakeCertManager.Answer;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.it.sds.SdsProbe;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/**
 * cert-manager selected the way the mission says ({@code certificateManager=cert-manager}, the issuer's root in
 * {@code ca.crt} of the CA bundle Secret), by configuration alone on a real Liberty server: service certificates
 * are CertificateRequests answered by the test's cert-manager and reach an Envoy-like client over SDS.
 */
class CertManagerSelectedByConfigurationIT {

  private static final String OSM_NAMESPACE = "osm-it-cert-manager";

  @Test
  void certManagerIssuesTheServiceCertificateDeliveredOverSds() throws Exception {
    CertManagerCrds.install(TestCluster.client());
    TestCluster.ensureNamespace(TestCluster.core(), OSM_NAMESPACE);
    SigningCa ca = SigningCa.root("cert-manager selected by configuration");
    String root = Pem.encode(ca.root());
    TestCluster.deleteSecretIfPresent(TestCluster.core(), OSM_NAMESPACE, "osm-ca-bundle");
    TestCluster.core().createNamespacedSecret(OSM_NAMESPACE, new V1Secret()
        .metadata(new V1ObjectMeta().name("osm-ca-bundle").namespace(OSM_NAMESPACE))
        .data(Map.of("ca.crt", root.getBytes(StandardCharsets.UTF_8)))).execute();

    try (FakeCertManager certManager = new FakeCertManager(TestCluster.client(), OSM_NAMESPACE).start()) {
      certManager.createIssuer("Issuer", "osm-ca", FakeCertManager.caIssuerSpec(), Answer.SIGN, ca);
      try (ExtraControlPlane plane = ExtraControlPlane.start(OSM_NAMESPACE, Map.of(
          "OpenServiceMesh_osmNamespace", OSM_NAMESPACE,
          "OpenServiceMesh_certificateManager", "cert-manager"))) {
        Report ready = plane.health().awaitReadiness(Report::up, Duration.ofMinutes(2));
        assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
        ProxyIdentity proxy = SdsProbe.proxyWithPod("bookwarehouse");

        X509Certificate leaf = SdsProbe.serviceCertificate(plane, OSM_NAMESPACE, proxy, bootstrap(ca, proxy, root), root);

        assertThat(leaf.getSubjectX500Principal().getName())
            .startsWith("CN=bookwarehouse." + SdsProbe.PODS + ".cluster.local");
        assertThat(certManager.seen()).as("the control plane asked cert-manager").isNotEmpty();
      }
    }
  }

  /** The proxy's xDS bootstrap certificate, as the injector would have had it issued by the same CA. */
  private static Certificate bootstrap(SigningCa ca, ProxyIdentity proxy, String root) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    Extensions sans = new Extensions(new Extension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, proxy.commonName())).getEncoded()));
    X509Certificate leaf = ca.sign(new X500Name("CN=" + proxy.commonName()), keys.getPublic(), sans,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment),
        new Extension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}).getEncoded()),
        Duration.ofHours(1));
    return new Certificate(List.of(leaf), Pem.encodePrivateKey(keys.getPrivate()), root, root);
  }
}

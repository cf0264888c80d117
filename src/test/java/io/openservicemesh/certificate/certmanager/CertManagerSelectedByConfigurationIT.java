package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.certificate.certmanager.FakeCertManager.Answer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.openservicemesh.certificate.IssuedBy;
import io.openservicemesh.it.ClusterEvents;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.it.sds.HeldStream;
import io.openservicemesh.it.sds.SdsProbe;
import io.openservicemesh.testing.Eventually;
import io.openservicemesh.testing.MutualTls;
import io.openservicemesh.testing.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * cert-manager selected the way the mission says ({@code certificateManager=cert-manager}, the issuer's root in
 * {@code ca.crt} of the CA bundle Secret), by configuration alone on a real Liberty server: service certificates
 * are CertificateRequests answered by the test's cert-manager and reach an Envoy-like client over SDS. Then the
 * operator moves the issuer to a new CA and writes its root into {@code ca.crt} while two proxies hold SDS
 * streams: the control plane notices it live and changes the mesh's roots publish-first, with a real mutual TLS
 * handshake between the two proxies' current material at every phase.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CertManagerSelectedByConfigurationIT {

  private static final String OSM_NAMESPACE = "osm-it-cert-manager";
  private static final String CA_SECRET = "osm-ca-bundle";
  private static final String STATE_SECRET = CA_SECRET + "-rotation";
  private static final Duration CHANGE_WITHIN = Duration.ofMinutes(3);

  private static final CoreV1Api api = TestCluster.core();
  private static SigningCa ca;
  private static FakeCertManager certManager;
  private static ExtraControlPlane plane;

  @BeforeAll
  static void start() throws Exception {
    CertManagerCrds.install(TestCluster.client());
    TestCluster.ensureNamespace(api, OSM_NAMESPACE);
    ca = SigningCa.root("cert-manager selected by configuration");
    TestCluster.deleteSecretIfPresent(api, OSM_NAMESPACE, STATE_SECRET);
    TestCluster.deleteSecretIfPresent(api, OSM_NAMESPACE, CA_SECRET);
    api.createNamespacedSecret(OSM_NAMESPACE, new V1Secret()
        .metadata(new V1ObjectMeta().name(CA_SECRET).namespace(OSM_NAMESPACE))
        .data(Map.of("ca.crt", Pem.encode(ca.root()).getBytes(StandardCharsets.UTF_8)))).execute();
    certManager = new FakeCertManager(TestCluster.client(), OSM_NAMESPACE).start();
    certManager.createIssuer("Issuer", "osm-ca", FakeCertManager.caIssuerSpec(), Answer.SIGN, ca);
    plane = ExtraControlPlane.start(OSM_NAMESPACE, Map.of(
        "OpenServiceMesh_osmNamespace", OSM_NAMESPACE,
        "OpenServiceMesh_certificateManager", "cert-manager"));
    Report ready = plane.health().awaitReadiness(Report::up, Duration.ofMinutes(2));
    assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    if (plane != null) {
      plane.close();
    }
    if (certManager != null) {
      certManager.close();
    }
  }

  @Test
  @Order(1)
  void certManagerIssuesTheServiceCertificateDeliveredOverSds() throws Exception {
    ProxyIdentity proxy = SdsProbe.proxyWithPod("bookwarehouse");
    String root = Pem.encode(ca.root());

    X509Certificate leaf = SdsProbe.serviceCertificate(plane, OSM_NAMESPACE, proxy, bootstrap(ca, proxy, root), root);

    assertThat(leaf.getSubjectX500Principal().getName())
        .startsWith("CN=bookwarehouse." + SdsProbe.PODS + ".cluster.local");
    assertThat(certManager.seen()).as("the control plane asked cert-manager").isNotEmpty();
  }

  @Test
  @Order(2)
  void anOperatorsNewIssuerRootIsTrustedEverywhereBeforeItIsExpectedAndTheOldOneRetiredOnEvidence()
      throws Exception {
    String oldRoot = Pem.encode(ca.root());
    ProxyIdentity bookstore = SdsProbe.proxyWithPod("bookstore");
    ProxyIdentity bookbuyer = SdsProbe.proxyWithPod("bookbuyer");
    try (HeldStream store = new HeldStream(plane.sdsPort(), bookstore, bootstrap(ca, bookstore, oldRoot), oldRoot,
            OSM_NAMESPACE);
        HeldStream buyer = new HeldStream(plane.sdsPort(), bookbuyer, bootstrap(ca, bookbuyer, oldRoot), oldRoot,
            OSM_NAMESPACE)) {
      Eventually.within(() -> store.received() && buyer.received(), Duration.ofSeconds(30), "first SDS responses");
      assertHandshake(store, buyer, "before the change");

      // Garbage in ca.crt: refused with the reason, the roots in use stay.
      writeCaCrt("not a certificate");
      Report refused = plane.health().awaitReadiness(
          report -> report.data("mesh-roots", "caSecretRefused") != null, Duration.ofSeconds(60));
      assertThat(refused.data("mesh-roots", "caSecretRefused")).contains("ca.crt is not a PEM certificate");
      assertThat(ClusterEvents.await(OSM_NAMESPACE, "Secret", CA_SECRET, "CaSecretRefused", Duration.ofSeconds(30))
          .getType()).isEqualTo("Warning");
      assertThat(Pem.decodeCertificates(store.peer().trustedRootsPem())).containsExactly(ca.root());
      assertHandshake(store, buyer, "with a refused ca.crt");

      // The operator's move: the issuer signs with a new CA, and ca.crt names its root.
      SigningCa next = SigningCa.root("cert-manager's next CA");
      certManager.signWith("Issuer", "osm-ca", next);
      writeCaCrt(Pem.encode(next.root()));

      List<String> seen = new ArrayList<>();
      Instant giveUp = Instant.now().plus(CHANGE_WITHIN);
      String phase = "";
      while (!phase.equals("retired") || seen.size() < 2) {
        assertThat(Instant.now()).as("the root change reached only %s; seen %s\n%s", phase, seen, plane.log())
            .isBefore(giveUp);
        String now = stateEntry("phase");
        if (now != null && !now.equals(phase)) {
          phase = now;
          seen.add(phase);
          if (!phase.equals("retired")) {
            assertHandshake(store, buyer, "in phase " + phase);
          }
        }
        Thread.sleep(200); // polling the API server's state; each step itself waits for evidence, not for time
      }
      assertThat(seen).containsSubsequence("prepared", "signing", "retired");

      Eventually.within(() -> IssuedBy.root(Pem.decodeCertificates(store.peer().chainPem()), next.root())
          && IssuedBy.root(Pem.decodeCertificates(buyer.peer().chainPem()), next.root())
          && Pem.decodeCertificates(store.peer().trustedRootsPem()).equals(List.of(next.root())),
          Duration.ofSeconds(30), "both proxies holding new-root certificates and only the new root");
      OpenSsl.verify(Pem.encode(next.root()), store.peer().chainPem());
      assertHandshake(store, buyer, "after the change");
    }

    Report report = plane.health().readiness();
    assertThat(report.data("mesh-roots", "trustedRoots")).isEqualTo("1");
    assertThat(report.data("mesh-roots", "caSecretRefused")).isNull();
    for (String reason : List.of("RootRotationStarted", "RootRotationStep", "RootRotationCompleted")) {
      CoreV1Event event = ClusterEvents.await(OSM_NAMESPACE, "Secret", CA_SECRET, reason, Duration.ofSeconds(30));
      assertThat(event.getType()).isEqualTo("Normal");
    }
  }

  private static void assertHandshake(HeldStream a, HeldStream b, String when) throws Exception {
    assertThat(MutualTls.handshake(a.peer(), b.peer())).as("bookstore -> bookbuyer %s", when).isEmpty();
    assertThat(MutualTls.handshake(b.peer(), a.peer())).as("bookbuyer -> bookstore %s", when).isEmpty();
  }

  /** An operator's edit of ca.crt, with the resourceVersion read. */
  private static void writeCaCrt(String caCrt) throws Exception {
    V1Secret secret = api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute();
    secret.setData(Map.of("ca.crt", caCrt.getBytes(StandardCharsets.UTF_8)));
    api.replaceNamespacedSecret(CA_SECRET, OSM_NAMESPACE, secret).execute();
  }

  private static String stateEntry(String key) throws ApiException {
    try {
      byte[] value = api.readNamespacedSecret(STATE_SECRET, OSM_NAMESPACE).execute().getData().get(key);
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
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

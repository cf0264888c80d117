package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.PatchUtils;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuedBy;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.tresor.CaBundle;
import io.openservicemesh.certificate.tresor.CaBundleCodec;
import io.openservicemesh.certificate.tresor.RootCertificateFactory;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.identity.ProxyIdentity;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.openservicemesh.it.ClusterEvents;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.testing.Eventually;
import io.openservicemesh.testing.MutualTls;
import io.openservicemesh.testing.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A root rotation of the built-in CA between two replicas against the real API server, asked for with the
 * documented annotation, while two proxies hold SDS streams, one on each replica. At every phase the two proxies,
 * with what SDS gave them, complete a mutual TLS handshake; the replica that leads is stopped once the new root
 * signs, and the other one finishes. At the end the CA Secret holds the new root in the mission's shape, and the
 * surviving replica serves nothing the old root signed. The steps are Events on the CA Secret.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RootRotationIT {

  private static final String OSM_NAMESPACE = "osm-it-rotation";
  private static final String CA_SECRET = "osm-ca-bundle";
  private static final String STATE_SECRET = CA_SECRET + "-rotation";
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);
  private static final Duration ROTATION_WITHIN = Duration.ofMinutes(4);

  private static final CoreV1Api api = TestCluster.core();
  private static ExtraControlPlane first;
  private static ExtraControlPlane second;

  @BeforeAll
  static void startTwoReplicas() throws Exception {
    TestCluster.ensureNamespace(api, OSM_NAMESPACE);
    TestCluster.forgetMesh(TestCluster.client(), OSM_NAMESPACE, CA_SECRET);
    TestCluster.deleteSecretIfPresent(api, OSM_NAMESPACE, STATE_SECRET);
    Map<String, String> settings = Map.of("OpenServiceMesh_osmNamespace", OSM_NAMESPACE, "CERT_MANAGER", "tresor");
    int base = Integer.getInteger("it.extra.port", 9480);
    first = ExtraControlPlane.start(OSM_NAMESPACE + "-a", settings, base);
    Report firstReady = first.health().awaitReadiness(Report::up, READY_WITHIN);
    assertThat(firstReady.up()).as("first replica: %s\n%s", firstReady.body(), first.log()).isTrue();
    // Started after the first is ready, which by then holds the leader Lease.
    second = ExtraControlPlane.start(OSM_NAMESPACE + "-b", settings, base + 10);
    Report secondReady = second.health().awaitReadiness(Report::up, READY_WITHIN);
    assertThat(secondReady.up()).as("second replica: %s\n%s", secondReady.body(), second.log()).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    for (ExtraControlPlane plane : new ExtraControlPlane[] {first, second}) {
      if (plane != null) {
        plane.close();
      }
    }
  }

  @Test
  @Order(1)
  void aRequestedRotationKeepsEveryProxyTalkingAndEndsWithOnlyTheNewRoot() throws Exception {
    CaBundle oldRoot = caBundle();
    ProxyIdentity bookstore = SdsProbe.proxyWithPod("bookstore");
    ProxyIdentity bookbuyer = SdsProbe.proxyWithPod("bookbuyer");
    String oldRootPem = Pem.encode(oldRoot.certificate());
    List<String> seen = new ArrayList<>();
    try (HeldStream onFirst = new HeldStream(first.sdsPort(), bookstore, bootstrap(oldRoot, bookstore), oldRootPem,
            OSM_NAMESPACE);
        HeldStream onSecond = new HeldStream(second.sdsPort(), bookbuyer, bootstrap(oldRoot, bookbuyer), oldRootPem,
            OSM_NAMESPACE)) {
      Eventually.within(() -> onFirst.received() && onSecond.received(), Duration.ofSeconds(30), "first SDS responses");
      assertHandshake(onFirst, onSecond, "before the rotation");

      // kubectl annotate secret -n <osm-namespace> osm-ca-bundle openservicemesh.io/rotate-root=now
      PatchUtils.patch(V1Secret.class, () -> api.patchNamespacedSecret(CA_SECRET, OSM_NAMESPACE, new V1Patch(
          "{\"metadata\":{\"annotations\":{\"openservicemesh.io/rotate-root\":\"now\"}}}")).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, TestCluster.client());

      Instant giveUp = Instant.now().plus(ROTATION_WITHIN);
      String phase = "";
      while (!phase.equals("retired")) {
        assertThat(Instant.now()).as("rotation reached only %s; seen %s; state %s\n%s", phase, seen,
            stateSummary(), second.log()).isBefore(giveUp);
        String now = phase();
        if (!now.equals(phase)) {
          phase = now;
          seen.add(phase);
          if (!phase.equals("retired") && first != null) {
            assertHandshake(onFirst, onSecond, "in phase " + phase);
          }
          if (phase.equals("signing") && first != null) {
            first.close(); // the leader goes away with the new root signing; the second replica must finish
            first = null;
          }
        }
        Thread.sleep(200); // polling the API server's state; each step itself waits for evidence, not for time
      }
      assertThat(seen).containsSubsequence("prepared", "signing", "retired");

      CaBundle newRoot = caBundle();
      assertThat(newRoot.certificate()).isNotEqualTo(oldRoot.certificate());
      Eventually.within(() -> IssuedBy.root(Pem.decodeCertificates(onSecond.peer().chainPem()), newRoot.certificate())
          && Pem.decodeCertificates(onSecond.peer().trustedRootsPem()).size() == 1, Duration.ofSeconds(30),
          "the surviving proxy holding a new-root certificate and only the new root");
      OpenSsl.verify(Pem.encode(newRoot.certificate()), onSecond.peer().chainPem());

      // The proxy of the stopped replica reconnects to the survivor with its renewed bootstrap credential.
      Certificate renewedBootstrap = bootstrap(newRoot, bookstore);
      X509Certificate leaf = SdsProbe.serviceCertificate(second, OSM_NAMESPACE, bookstore, renewedBootstrap,
          Pem.encode(newRoot.certificate()));
      assertThat(IssuedBy.root(List.of(leaf), newRoot.certificate())).isTrue();
    }

    V1Secret ca = api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute();
    assertThat(ca.getData()).containsOnlyKeys("ca.crt", "expiration", "private.key");
    Report report = second.health().readiness();
    assertThat(report.data("mesh-roots", "trustedRoots")).isEqualTo("1");
    assertThat(report.data("mesh-roots", "signingRootSerial")).isEqualTo(caBundle().serialHex());
    for (String reason : List.of("RootRotationStarted", "RootRotationStep", "RootRotationCompleted")) {
      CoreV1Event event = ClusterEvents.await(OSM_NAMESPACE, "Secret", CA_SECRET, reason, Duration.ofSeconds(30));
      assertThat(event.getType()).isEqualTo("Normal");
      assertThat(event.getMessage()).contains("root").doesNotContain("PRIVATE KEY");
    }
  }

  /**
   * After the requested rotation, on the surviving replica: an operator writes a CA whose key does not match into
   * the CA Secret, which is refused with the reason in readiness and an Event while the root in use keeps
   * signing; then a sound CA of their own, which is adopted through the same publish-first phases.
   */
  @Test
  @Order(2)
  void anOperatorsChangedCaSecretIsNoticedLiveRefusedWhenBrokenAndAdoptedWhenSound() throws Exception {
    CaBundle inUse = caBundle();
    CaBundle operators = RootCertificateFactory.create(KeySpec.ECDSA_P256, Duration.ofDays(365), Instant.now(),
        Duration.ofMinutes(1));

    writeCaSecret(Pem.encode(operators.certificate()), Pem.encodePrivateKey(inUse.privateKey()));
    Report refused = second.health().awaitReadiness(
        report -> report.data("mesh-roots", "caSecretRefused") != null, Duration.ofSeconds(60));
    assertThat(refused.data("mesh-roots", "caSecretRefused")).contains("private.key does not match");
    assertThat(refused.data("mesh-roots", "signingRootSerial")).isEqualTo(inUse.serialHex());
    assertThat(ClusterEvents.await(OSM_NAMESPACE, "Secret", CA_SECRET, "CaSecretRefused", Duration.ofSeconds(30))
        .getType()).isEqualTo("Warning");

    writeCaSecret(Pem.encode(operators.certificate()), Pem.encodePrivateKey(operators.privateKey()));
    Eventually.within(() -> "operator".equals(stateEntry("reason")) || operators.certificate().equals(retiredRoot()),
        Duration.ofSeconds(60), "the operator's CA taken up by a rotation");
    Eventually.within(() -> "retired".equals(stateEntry("phase")) && operators.certificate().equals(retiredRoot()),
        ROTATION_WITHIN, "the rotation to the operator's CA to end");
    // The replica follows the retirement at its next look (every five seconds).
    Report adopted = second.health().awaitReadiness(
        report -> operators.serialHex().equals(report.data("mesh-roots", "signingRootSerial"))
            && "1".equals(report.data("mesh-roots", "trustedRoots")), Duration.ofSeconds(30));
    assertThat(adopted.data("mesh-roots", "signingRootSerial")).isEqualTo(operators.serialHex());
    assertThat(adopted.data("mesh-roots", "trustedRoots")).isEqualTo("1");
    assertThat(adopted.data("mesh-roots", "caSecretRefused")).isNull();
  }

  /** An operator's edit: the Secret replaced whole, with the resourceVersion read. */
  private static void writeCaSecret(String caCrt, String privateKey) throws Exception {
    V1Secret secret = api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute();
    secret.setData(Map.of("ca.crt", caCrt.getBytes(StandardCharsets.UTF_8),
        "private.key", privateKey.getBytes(StandardCharsets.UTF_8),
        "expiration", "2030-01-01T00:00:00.000Z".getBytes(StandardCharsets.UTF_8)));
    api.replaceNamespacedSecret(CA_SECRET, OSM_NAMESPACE, secret).execute();
  }

  private static String stateEntry(String key) throws ApiException {
    try {
      return text(api.readNamespacedSecret(STATE_SECRET, OSM_NAMESPACE).execute().getData(), key);
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  private static X509Certificate retiredRoot() throws Exception {
    String pem = stateEntry("incoming.crt");
    return pem == null ? null : Pem.decodeCertificate(pem);
  }

  private static void assertHandshake(HeldStream a, HeldStream b, String when) throws Exception {
    Optional<String> ab = MutualTls.handshake(a.peer(), b.peer());
    Optional<String> ba = MutualTls.handshake(b.peer(), a.peer());
    assertThat(ab).as("bookstore -> bookbuyer %s", when).isEmpty();
    assertThat(ba).as("bookbuyer -> bookstore %s", when).isEmpty();
  }

  private static Certificate bootstrap(CaBundle root, ProxyIdentity proxy) {
    TresorIssuer issuer = new TresorIssuer(root, Clock.systemUTC(), Duration.ofMinutes(1));
    return issuer.issue(new MeshCertificateSpecs("cluster.local", OSM_NAMESPACE, Duration.ofHours(1),
        KeySpec.ECDSA_P256).xdsBootstrap(proxy));
  }

  private static CaBundle caBundle() throws Exception {
    Map<String, byte[]> data = api.readNamespacedSecret(CA_SECRET, OSM_NAMESPACE).execute().getData();
    return CaBundleCodec.decode(new StoredCaBundle(text(data, "ca.crt"), text(data, "private.key"), null), "test",
        Instant.now());
  }

  private static String phase() throws ApiException {
    try {
      return text(api.readNamespacedSecret(STATE_SECRET, OSM_NAMESPACE).execute().getData(), "phase");
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return "";
      }
      throw e;
    }
  }

  private static String stateSummary() {
    try {
      Map<String, byte[]> data = api.readNamespacedSecret(STATE_SECRET, OSM_NAMESPACE).execute().getData();
      StringBuilder summary = new StringBuilder();
      data.forEach((key, value) -> {
        if (!key.endsWith(".key") && !key.endsWith(".crt")) {
          summary.append(key).append('=').append(new String(value, StandardCharsets.UTF_8)).append("; ");
        }
      });
      return summary.toString();
    } catch (ApiException e) {
      return "unreadable (" + e.getCode() + ")";
    }
  }

  private static String text(Map<String, byte[]> data, String key) {
    byte[] value = data.get(key);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

}

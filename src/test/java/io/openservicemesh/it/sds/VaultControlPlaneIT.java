package io.openservicemesh.it.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuedBy;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.vault.TestPkiMount;
import io.openservicemesh.certificate.vault.VaultTestServer;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.SdsSecretName;
import io.openservicemesh.it.ClusterEvents;
import io.openservicemesh.it.ExtraControlPlane;
import io.openservicemesh.it.ServerHealth.Report;
import io.openservicemesh.it.TestCluster;
import io.openservicemesh.it.sds.EnvoyLikeClient.SotwStream;
import io.openservicemesh.testing.Eventually;
import io.openservicemesh.testing.FaultProxy;
import io.openservicemesh.testing.MutualTls;
import io.openservicemesh.testing.OpenSsl;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Liberty server with Vault as its CA, selected and set up exactly as the mission says, serving an
 * Envoy-like client over SDS. One control plane for all tests (starting one costs 15-30 s here), in order: the
 * second adds a root to Vault, which the first must not see; the third is the fault campaign's Vault outage. The
 * control plane reaches Vault through a {@link FaultProxy} (so Vault can be gone), and its service certificates
 * live a minute (so renewals fall due during the outage).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultControlPlaneIT {

  private static final String OSM_NAMESPACE = "osm-it-vault";
  /** Vault's CA is re-read every second here; a rotation pass follows within its five seconds. */
  private static final Duration PUSHED_WITHIN = Duration.ofSeconds(45);

  /** Each of the three faults lasts this long: a third of {@code it.fault.outage.seconds}, at least 15 s. */
  private static final Duration FAULT_PHASE =
      Duration.ofSeconds(Math.max(15, Integer.getInteger("it.fault.outage.seconds", 30) / 3));
  /**
   * The service certificates' lifetime, four phases: renewals fall due 62-72 % into it (2.5 to 2.9 phases), so
   * while Vault is still failing, and the certificates outlive the faults by a phase, time for the retries.
   */
  private static final Duration LIFETIME = FAULT_PHASE.multipliedBy(4);
  private static final Duration ROOT_CHANGE_WITHIN = Duration.ofMinutes(2);
  private static final int HELD_STREAMS = Integer.getInteger("it.fault.streams", 20) / 2;

  private static VaultTestServer vault;
  private static FaultProxy vaultProxy;
  private static String firstRoot;
  private static TestPkiMount pki;
  private static ExtraControlPlane plane;

  @BeforeAll
  static void startVaultAndTheControlPlane() throws Exception {
    TestCluster.ensureNamespace(TestCluster.core(), OSM_NAMESPACE);
    vault = VaultTestServer.start(Clock.systemUTC());
    vaultProxy = FaultProxy.to(new InetSocketAddress(vault.address().getHost(), vault.port()));
    pki = SdsProbe.missionVault(vault);
    firstRoot = TestPkiMount.pem(pki.root());
    plane = ExtraControlPlane.start(OSM_NAMESPACE, SdsProbe.missionVaultSettings(OSM_NAMESPACE, vault, Map.of(
        "OpenServiceMesh_vault_port", String.valueOf(vaultProxy.port()),
        "OpenServiceMesh_vault_caRefreshInterval", "1s",
        "OpenServiceMesh_serviceCertValidityDuration", LIFETIME.toSeconds() + "s",
        "OpenServiceMesh_allowShortCertValidity", "true")));
    Report ready = plane.health().awaitReadiness(Report::up, Duration.ofMinutes(2));
    assertThat(ready.up()).as("readiness: %s\n%s", ready.body(), plane.log()).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    if (plane != null) {
      plane.close();
    }
    if (vaultProxy != null) {
      vaultProxy.close();
    }
    if (vault != null) {
      vault.close();
    }
  }

  @Test
  @Order(1)
  void setUpAsTheMissionSaysItIssuesTheServiceCertificateDeliveredOverSds() throws Exception {
    String root = TestPkiMount.pem(pki.root());
    ProxyIdentity proxy = SdsProbe.proxyWithPod("bookbuyer");
    Certificate bootstrap = SdsProbe.vaultIssued(vault.address(), proxy.commonName(), root);

    X509Certificate leaf = SdsProbe.serviceCertificate(plane, OSM_NAMESPACE, proxy, bootstrap, root);

    assertThat(leaf.getSubjectX500Principal().getName())
        .startsWith("CN=bookbuyer." + SdsProbe.PODS + ".cluster.local");
    assertThat(leaf.getIssuerX500Principal().getName()).isEqualTo("CN=osm.root");
    V1Secret published = TestCluster.core().readNamespacedSecret("osm-ca-bundle", OSM_NAMESPACE).execute();
    assertThat(new String(published.getData().get("ca.crt"), StandardCharsets.UTF_8)).isEqualTo(root);
    assertThat(published.getData()).doesNotContainKey("private.key");
  }

  /**
   * A changed trust bundle reaches a live SDS stream: when Vault's CA gains a new root, the open stream receives
   * its validation context again, unasked, with the new root beside the old one. Until then a proxy would refuse
   * peers whose certificates the new root signed.
   */
  @Test
  @Order(2)
  void aRootVaultAddsIsPushedToAnOpenStreamAsItsValidationContext() throws Exception {
    X509Certificate firstRoot = pki.root();
    String root = TestPkiMount.pem(firstRoot);
    ProxyIdentity proxy = SdsProbe.proxyWithPod("bookwarehouse");
    Certificate bootstrap = SdsProbe.vaultIssued(vault.address(), proxy.commonName(), root);

    try (EnvoyLikeClient client = EnvoyLikeClient.connect(plane.sdsPort(), bootstrap, root, OSM_NAMESPACE)) {
      String inbound = SdsSecretName.inboundValidation(proxy.service()).toString();
      SotwStream stream = client.streamSecrets();
      stream.send(EnvoyLikeClient.request(proxy.commonName(), List.of(inbound)).build());
      DiscoveryResponse first = stream.next();
      assertThat(trustedRoots(first)).containsExactly(firstRoot);
      stream.send(EnvoyLikeClient.request(null, List.of(inbound))
          .setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());

      X509Certificate secondRoot = pki.generateRoot("osm.root.2", Duration.ofHours(87_600), Instant.now()).root();
      DiscoveryResponse pushed = stream.next(PUSHED_WITHIN);

      assertThat(pushed.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
      assertThat(pushed.getNonce()).isNotEqualTo(first.getNonce());
      // Which comes first depends on whether a refresh of Vault's CA fell between the new root's generation and
      // its becoming the default (reads of ca/pem and of the issuers are separate requests).
      assertThat(trustedRoots(pushed)).as("the new root beside the old one, still trusted")
          .containsExactlyInAnyOrder(secondRoot, firstRoot);
      // ACKed as Envoy does, so the root change this push belongs to does not wait for a stream going away.
      stream.send(EnvoyLikeClient.request(null, List.of(inbound))
          .setVersionInfo(pushed.getVersionInfo()).setResponseNonce(pushed.getNonce()).build());
    }
  }

  /**
   * Vault gone (connections refused), then answering 500, then sealed (503 "Vault is sealed"), one after the
   * other while streams are held and their certificates fall due: every stream stays open and keeps what it was
   * served, readiness stays UP (the certificates served are valid) and tells why renewals fail, and once Vault
   * answers again every renewal completes and reaches its stream, without a restart.
   */
  @Test
  @Order(3)
  void vaultSealedFailingAndGoneCostsNoHeldStreamAndEveryRenewalCompletesWhenItIsBack() throws Exception {
    // The root added before is still being published; until then nothing it signs is handed out.
    Eventually.within(() -> "retired".equals(stateEntry("phase")), ROOT_CHANGE_WITHIN, "the root change to end");
    String issuing = TestPkiMount.pem(pki.root());
    String roots = issuing + firstRoot; // the control plane's own certificates may still come from the first
    List<HeldStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < HELD_STREAMS; i++) {
        ProxyIdentity proxy = SdsProbe.proxyWithPod("vault-outage-" + i);
        streams.add(servedStream(proxy, SdsProbe.vaultIssued(vault.address(), proxy.commonName(), issuing), roots));
      }
      Map<HeldStream, String> served = new HashMap<>();
      streams.forEach(stream -> served.put(stream, stream.peer().chainPem()));

      // Renewals fall due 62-72 % into the certificates' minute, so in the last phase: the one Vault is sealed in.
      Map<String, List<String>> readiness = new LinkedHashMap<>();
      vaultProxy.down();
      readiness.put("gone", watchReadiness(FAULT_PHASE));
      vaultProxy.up();
      vault.failNext("/v1/", 1_000_000, 500, "internal error");
      readiness.put("500", watchReadiness(FAULT_PHASE));
      vault.clearFaults();
      vault.seal();
      readiness.put("sealed", watchReadiness(FAULT_PHASE));
      vault.unseal();
      Instant backAt = Instant.now();

      Instant renewedAt = Eventually.within(
          () -> streams.stream().allMatch(s -> !served.get(s).equals(s.peer().chainPem())),
          LIFETIME, () -> "every stream received its renewed certificate after Vault came back");
      assertThat(streams).as("streams ended").allSatisfy(s -> assertThat(s.ended()).isNull());
      Report after = plane.health().awaitReadiness(Report::up, Duration.ofSeconds(30));
      System.out.printf("Vault outage: %d streams held, gone/500/sealed %d s each; every renewal delivered %d ms after"
          + " Vault came back; readiness during: %s%n", streams.size(), FAULT_PHASE.toSeconds(),
          Duration.between(backAt, renewedAt).toMillis(), readiness);
      assertThat(after.up()).as("readiness after: %s", after.body()).isTrue();
      assertThat(readiness.get("sealed")).as("readiness while sealed and renewals fall due")
          .anyMatch(r -> r.contains("Vault is sealed"));
      assertThat(readiness.values().stream().flatMap(List::stream)).as("readiness during the faults")
          .allMatch(r -> r.startsWith("200 UP"));
    } finally {
      for (HeldStream stream : streams) {
        stream.close();
      }
    }
  }

  /**
   * Vault's own way to rotate a root without an outage, as an operator runs it: a new root is generated beside the
   * default issuer (it does not sign yet), made the default, and the old issuer deleted at the end. The control
   * plane follows each step live, two proxies hold SDS streams throughout, and a mutual TLS handshake between
   * their current material holds at every moment: the new root is trusted before anything it signed is served,
   * and the old one is trusted until nothing it signed is.
   */
  @Test
  @Order(4)
  void aRootAddedBesideVaultsDefaultIssuerIsTrustedEverywhereBeforeItSignsAndTheOldOneRetiredAfter()
      throws Exception {
    Eventually.within(() -> "retired".equals(stateEntry("phase")), ROOT_CHANGE_WITHIN, "earlier root changes to end");
    TestPkiMount.IssuerEntry old = pki.issuer("default");
    String oldRoot = TestPkiMount.pem(old.certificate());
    ProxyIdentity bookstore = SdsProbe.proxyWithPod("vault-rotation-bookstore");
    ProxyIdentity bookbuyer = SdsProbe.proxyWithPod("vault-rotation-bookbuyer");
    try (HeldStream store = servedStream(bookstore,
            SdsProbe.vaultIssued(vault.address(), bookstore.commonName(), oldRoot), oldRoot);
        HeldStream buyer = servedStream(bookbuyer,
            SdsProbe.vaultIssued(vault.address(), bookbuyer.commonName(), oldRoot), oldRoot)) {
      holdHandshakes(store, buyer, () -> trusted(store).equals(List.of(old.certificate()))
          && trusted(buyer).equals(List.of(old.certificate())), "both proxies trusting the old root alone");

      // vault write pki/root/generate/internal common_name=osm.root.3 issuer_name=next
      pki.generateIssuer("next", "osm.root.3", Duration.ofHours(87_600), Instant.now());
      X509Certificate next = pki.issuer("next").certificate();
      holdHandshakes(store, buyer, () -> trusted(store).contains(next) && trusted(buyer).contains(next)
          && "retired".equals(stateEntry("phase")), "both proxies trusting the new root beside the old one");
      assertThat(IssuedBy.root(Pem.decodeCertificates(store.peer().chainPem()), old.certificate()))
          .as("nothing the new root signed before it is the default").isTrue();

      // vault write pki/config/issuers default=next
      pki.makeDefault("next");
      holdHandshakes(store, buyer, () -> issuedBy(store, next) && issuedBy(buyer, next)
          && "retired".equals(stateEntry("phase")), "both proxies holding certificates of the new root");

      // vault delete pki/issuer/<old>
      pki.deleteIssuer(old.name());
      holdHandshakes(store, buyer, () -> trusted(store).equals(List.of(next)) && trusted(buyer).equals(List.of(next)),
          "both proxies trusting the new root alone");
      OpenSsl.verify(TestPkiMount.pem(next), store.peer().chainPem());
      assertThat(store.ended()).isNull();
      assertThat(buyer.ended()).isNull();
    }
    Report report = plane.health().readiness();
    assertThat(report.data("mesh-roots", "trustedRoots")).isEqualTo("1");
    assertThat(Pem.decodeCertificates(stateEntry("outgoing.crt"))).as("the retired root").contains(old.certificate());
    // Several changes within ten minutes are one Event with a count (the correlator): its type is what is checked.
    assertThat(ClusterEvents.await(OSM_NAMESPACE, "Secret", "osm-ca-bundle", "RootRotationCompleted",
        Duration.ofSeconds(30)).getType()).isEqualTo("Normal");
  }

  /** Checks a mutual TLS handshake between the two proxies' current material until {@code reached} holds. */
  private static void holdHandshakes(HeldStream a, HeldStream b, Eventually.Condition reached, String what)
      throws Exception {
    Instant giveUp = Instant.now().plus(ROOT_CHANGE_WITHIN);
    while (!reached.holds()) {
      assertThat(MutualTls.handshake(a.peer(), b.peer())).as("a -> b while waiting for %s", what).isEmpty();
      assertThat(MutualTls.handshake(b.peer(), a.peer())).as("b -> a while waiting for %s", what).isEmpty();
      assertThat(Instant.now()).as("%s; state %s\n%s", what, stateEntry("waitingFor"), plane.log()).isBefore(giveUp);
      Thread.sleep(200); // a handshake every 200 ms; each step of the change waits for evidence, not for time
    }
  }

  private static List<X509Certificate> trusted(HeldStream stream) throws Exception {
    return Pem.decodeCertificates(stream.peer().trustedRootsPem());
  }

  private static boolean issuedBy(HeldStream stream, X509Certificate root) throws Exception {
    return IssuedBy.root(Pem.decodeCertificates(stream.peer().chainPem()), root);
  }

  private static String stateEntry(String key) throws Exception {
    try {
      byte[] value = TestCluster.core().readNamespacedSecret("osm-ca-bundle-rotation", OSM_NAMESPACE).execute()
          .getData().get(key);
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  /**
   * A stream that has been served, reconnecting as Envoy does when the connection is refused: the root the test
   * before added reaches the SDS endpoint's trust store with the next rotation pass and a store reload (seconds),
   * and until then a bootstrap certificate of that root is refused at the handshake.
   */
  private static HeldStream servedStream(ProxyIdentity proxy, Certificate bootstrap, String roots) throws Exception {
    Instant giveUp = Instant.now().plusSeconds(30);
    while (true) {
      HeldStream stream = new HeldStream(plane.sdsPort(), proxy, bootstrap, roots, OSM_NAMESPACE);
      Eventually.within(() -> stream.received() || stream.ended() != null, Duration.ofSeconds(30), stream::state);
      if (stream.received() || Instant.now().isAfter(giveUp)) {
        assertThat(stream.received()).as("stream of %s: %s", proxy.commonName(), stream.state()).isTrue();
        return stream;
      }
      stream.close();
      Thread.sleep(1_000); // Envoy's reconnect backoff, roughly
    }
  }

  /** The distinct readiness reports (status, and why renewals fail) seen while {@code phase} lasts. */
  private static List<String> watchReadiness(Duration phase) throws Exception {
    Set<String> seen = new LinkedHashSet<>();
    Instant end = Instant.now().plus(phase);
    while (Instant.now().isBefore(end)) {
      Report report = plane.health().readiness();
      seen.add(report.httpStatus() + " " + report.publicBody().get("status").getAsString() + ", last renewal failure: "
          + report.data("rotation", "lastRenewalFailure"));
      Thread.sleep(1_000); // a polling interval while the fault lasts
    }
    return List.copyOf(seen);
  }


  private static List<X509Certificate> trustedRoots(DiscoveryResponse response) throws Exception {
    assertThat(response.getResourcesList()).hasSize(1);
    Secret secret = response.getResources(0).unpack(Secret.class);
    return Pem.decodeCertificates(secret.getValidationContext().getTrustedCa().getInlineString());
  }
}

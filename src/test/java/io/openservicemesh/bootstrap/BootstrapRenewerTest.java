package io.openservicemesh.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.tresor.TresorIssuer;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.rotation.RenewalPolicy;
import io.openservicemesh.testing.MutableClock;
import io.openservicemesh.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BootstrapRenewerTest {

  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final String OSM = BootstrapFixtures.OSM_NAMESPACE;

  private final MutableClock clock = MutableClock.atNowInWholeSeconds();
  private final InMemoryBootstrapSecrets secrets = new InMemoryBootstrapSecrets();
  private final AtomicReference<IssuanceException> issuanceFailure = new AtomicReference<>();
  private final AtomicReference<String> roots = new AtomicReference<>(TestCa.ecRootPem());
  private final BootstrapCertificates issuer = proxy -> {
    if (issuanceFailure.get() != null) {
      throw issuanceFailure.get();
    }
    return BootstrapFixtures.issue(proxy, clock, LIFETIME);
  };
  private final BootstrapRenewer renewer = new BootstrapRenewer(secrets, issuer, roots::get, clock, () -> 0.5);
  private final MeshPod pod = new MeshPod("bookstore", "bookstore-v1-abc", "pod-uid-1", UUID.randomUUID(),
      "bookstore-v1", false);

  private StoredBootstrapSecret injected(MeshPod pod) throws Exception {
    Certificate first = issuer.bootstrapCertificate(pod.proxy());
    return secrets.create(pod.namespace(), pod.proxyUuid(),
        BootstrapFiles.forProxy(pod.proxy(), OSM, BootstrapFiles.Credential.of(first)));
  }

  private BootstrapRenewer.PassResult pass() {
    return renewer.pass(RenewalPolicy.DEFAULT, OSM);
  }

  private StoredBootstrapSecret current(MeshPod pod) {
    return secrets.stored.get(pod.namespace() + "/" + pod.secretName());
  }

  private static X509Certificate leaf(StoredBootstrapSecret secret) throws Exception {
    return Pem.decodeCertificate(new String(secret.files().get(BootstrapFiles.CERTIFICATE_CHAIN),
        StandardCharsets.UTF_8));
  }

  @Test
  void aNewPodsSecretGetsThePodAsOwnerAndIsThenLeftAloneUntilDue() throws Exception {
    StoredBootstrapSecret injected = injected(pod);
    renewer.track(List.of(pod));

    assertThat(pass()).isEqualTo(new BootstrapRenewer.PassResult(0, 0, 1, 0));
    assertThat(current(pod).owner()).contains(new PodOwner("bookstore-v1-abc", "pod-uid-1"));
    assertThat(current(pod).files()).isEqualTo(injected.files());

    int reads = secrets.reads;
    clock.advance(Duration.ofMinutes(20));
    assertThat(pass().quiet()).isTrue();
    assertThat(secrets.reads).as("a quiet pass reads nothing").isEqualTo(reads);
  }

  @Test
  void aDueCertificateIsRenewedInPlaceWithTheSameKeysBeforeItExpires() throws Exception {
    StoredBootstrapSecret injected = injected(pod);
    renewer.track(List.of(pod));
    pass();
    X509Certificate before = leaf(current(pod));

    clock.advance(Duration.ofMinutes(50));
    assertThat(pass().renewed()).isOne();

    StoredBootstrapSecret renewed = current(pod);
    X509Certificate after = leaf(renewed);
    assertThat(renewed.name()).isEqualTo(injected.name());
    assertThat(renewed.files().keySet()).isEqualTo(injected.files().keySet());
    assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    assertThat(after.getNotAfter()).isAfter(before.getNotAfter());
    assertThat(after.getSubjectX500Principal().getName()).contains("CN=" + pod.proxy().commonName());
    assertThat(new String(renewed.files().get(BootstrapFiles.PRIVATE_KEY), StandardCharsets.UTF_8))
        .isNotEqualTo(new String(injected.files().get(BootstrapFiles.PRIVATE_KEY), StandardCharsets.UTF_8));
    assertThat(renewed.owner()).contains(pod.owner());
  }

  @Test
  void aCertificateShorterThanAskedIsRenewedByItsOwnLifetime() throws Exception {
    // As a Vault role's max_ttl would cap it: ten minutes instead of the ten years asked.
    Certificate capped = BootstrapFixtures.issue(pod.proxy(), clock, Duration.ofMinutes(10));
    secrets.create(pod.namespace(), pod.proxyUuid(),
        BootstrapFiles.forProxy(pod.proxy(), OSM, BootstrapFiles.Credential.of(capped)));
    renewer.track(List.of(pod));
    pass();

    clock.advance(Duration.ofMinutes(8));
    assertThat(pass().renewed()).isOne();
  }

  @Test
  void newRootsAreWrittenBesideTheSameCertificate() throws Exception {
    injected(pod);
    renewer.track(List.of(pod));
    pass();
    X509Certificate before = leaf(current(pod));

    String widened = TestCa.ecRootPem() + Pem.encode(TestCa.otherEcRoot().certificate());
    roots.set(widened);
    assertThat(pass().rerooted()).isOne();

    assertThat(new String(current(pod).files().get(BootstrapFiles.TRUSTED_ROOTS), StandardCharsets.UTF_8))
        .isEqualTo(widened);
    assertThat(leaf(current(pod))).isEqualTo(before);
  }

  @Test
  void aFailedRenewalKeepsTheSecretRetriesWithBackoffAndIsReportedNearExpiry() throws Exception {
    injected(pod);
    renewer.track(List.of(pod));
    pass();
    StoredBootstrapSecret before = current(pod);
    issuanceFailure.set(new IssuanceException("Vault answered HTTP 503", true));

    clock.advance(Duration.ofMinutes(50));
    assertThat(pass().failed()).isOne();
    assertThat(current(pod)).isEqualTo(before);
    assertThat(pass().quiet()).as("not retried before the backoff").isTrue();
    assertThat(renewer.overdue(RenewalPolicy.DEFAULT)).isEmpty();

    clock.advance(Duration.ofMinutes(9));
    assertThat(pass().failed()).isOne();
    assertThat(renewer.overdue(RenewalPolicy.DEFAULT)).singleElement().satisfies(overdue -> {
      assertThat(overdue.secretName()).isEqualTo(pod.secretName());
      assertThat(overdue.reason()).contains("HTTP 503");
    });

    issuanceFailure.set(null);
    clock.advance(Duration.ofMinutes(1));
    assertThat(pass().renewed()).isOne();
    assertThat(renewer.overdue(RenewalPolicy.DEFAULT)).isEmpty();
  }

  @Test
  void aSecretChangedSinceItWasReadIsReadAgainAndRenewedAtTheNextPass() throws Exception {
    injected(pod);
    renewer.track(List.of(pod));
    pass();
    clock.advance(Duration.ofMinutes(50));
    secrets.writeFailures.push(new BootstrapSecretException("changed since read", true));

    assertThat(pass().failed()).isOne();
    assertThat(pass().renewed()).isOne();
  }

  @Test
  void goneFinishedAndForeignProxiesAreLeftAlone() throws Exception {
    injected(pod);
    MeshPod finished = new MeshPod("bookstore", "job-1", "pod-uid-2", UUID.randomUUID(), "bookstore-v1", true);
    injected(finished);
    MeshPod foreign = new MeshPod("bookstore", "other-mesh", "pod-uid-3", UUID.randomUUID(), "bookstore-v1", false);
    Certificate otherMeshs = new TresorIssuer(TestCa.otherEcRoot(), clock, Duration.ZERO).issue(
        new MeshCertificateSpecs("cluster.local", OSM, LIFETIME, LIFETIME, KeySpec.ECDSA_P256)
            .xdsBootstrap(foreign.proxy()));
    secrets.create(foreign.namespace(), foreign.proxyUuid(),
        BootstrapFiles.forProxy(foreign.proxy(), OSM, BootstrapFiles.Credential.of(otherMeshs)));
    renewer.track(List.of(pod, finished, foreign));
    pass();
    renewer.track(List.of(finished, foreign)); // the first pod is gone

    clock.advance(Duration.ofMinutes(50));
    assertThat(pass().quiet()).isTrue();
    assertThat(current(foreign).owner()).isEmpty();
    assertThat(current(finished).owner()).isEmpty();
  }

  @Test
  void aSecretWithoutTheCredentialFilesGetsAWholeNewOne() throws Exception {
    secrets.create(pod.namespace(), pod.proxyUuid(), Map.of("bootstrap.yaml", "node: {}".getBytes()));
    renewer.track(List.of(pod));

    assertThat(pass().renewed()).isOne();
    assertThat(current(pod).files()).containsKeys(BootstrapFiles.CERTIFICATE_CHAIN, BootstrapFiles.PRIVATE_KEY,
        BootstrapFiles.TRUSTED_ROOTS, BootstrapFiles.CLIENT_CERTIFICATE_SDS);
  }

  @Test
  void aNewPodUnderAnOldProxyUuidIsReadAfresh() throws Exception {
    injected(pod);
    renewer.track(List.of(pod));
    pass();
    MeshPod recreated = new MeshPod(pod.namespace(), pod.name(), "pod-uid-9", pod.proxyUuid(),
        pod.serviceAccount(), false);

    renewer.track(List.of(recreated));

    assertThat(pass().adopted()).isOne();
    assertThat(current(pod).owner()).contains(recreated.owner());
  }
}

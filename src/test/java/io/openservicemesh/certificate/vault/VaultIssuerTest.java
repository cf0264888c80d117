package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.rootchange.ExternalTrust;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.identity.ProxyCertificates;
import io.openservicemesh.testing.LogCapture;
import io.openservicemesh.testing.OpenSsl;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issuance through the Vault test server, checked with openssl and against what Vault's role allows. */
class VaultIssuerTest {

  private static final ServiceIdentity BOOKBUYER = new ServiceIdentity("bookbuyer", "bookstore");
  private static final ServiceIdentity BOOKSTORE = new ServiceIdentity("bookstore", "bookstore");

  @TempDir Path temp;
  private VaultFixture vault;
  private LogCapture log;

  @BeforeEach
  void startVault() throws Exception {
    vault = new VaultFixture(temp);
    log = LogCapture.controlPlane();
  }

  @AfterEach
  void stopVault() {
    log.close();
    vault.close();
  }

  private static MeshCertificateSpecs specs(Duration serviceValidity) {
    return new MeshCertificateSpecs("cluster.local", "osm-system", serviceValidity, KeySpec.ECDSA_P256);
  }

  private String token() {
    return vault.issuingToken(Duration.ofHours(1), Duration.ZERO);
  }

  @Test
  void issuesAServiceCertificateWithItsSansAndTheExactTtl() throws Exception {
    VaultIssuer issuer = vault.issuer(token());
    Instant now = vault.clock.instant();

    Certificate certificate = issuer.issue(specs(Duration.ofMinutes(90)).service(BOOKBUYER));

    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh").get(0).body())
        .containsEntry("ttl", "5400s")
        .containsEntry("common_name", "bookbuyer.bookstore.cluster.local")
        .containsEntry("uri_sans", "spiffe://cluster.local/ns/bookstore/sa/bookbuyer")
        .doesNotContainKey("alt_names");
    assertThat(certificate.commonName()).isEqualTo("bookbuyer.bookstore.cluster.local");
    assertThat(certificate.notAfter()).isEqualTo(now.plusSeconds(5400));
    assertThat(certificate.chain()).hasSize(1).as("the root is not served in the chain");
    assertThat(certificate.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(certificate.trustedCasPem()).isEqualTo(TestPkiMount.pem(vault.pki.root()));

    assertThat(OpenSsl.verify(certificate.trustedCasPem(), certificate.certificateChainPem()))
        .contains("leaf.pem: OK");
    assertThat(OpenSsl.text(certificate.certificateChainPem()))
        .contains("Subject: CN = bookbuyer.bookstore.cluster.local")
        .contains("DNS:bookbuyer.bookstore.cluster.local")
        .contains("URI:spiffe://cluster.local/ns/bookstore/sa/bookbuyer")
        .contains("TLS Web Server Authentication, TLS Web Client Authentication");
    assertThat(log.messages()).anySatisfy(m -> assertThat(m)
        .contains("Vault issued SERVICE certificate CN=bookbuyer.bookstore.cluster.local, serial "
            + certificate.serialHex())
        .contains("requested ttl 5400s")
        .contains("via POST /v1/pki/issue/openservicemesh in "));
  }

  @Test
  void anAnswerSignedByACaTheMeshDoesNotTrustIsRefused() throws Exception {
    VaultIssuer issuer = vault.issuer(token()); // trusts the mount's root as it is now
    vault.pki.generateRoot("osm.other.root", Duration.ofDays(3650), vault.clock.instant());

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .isInstanceOf(IssuanceException.class)
        .hasMessageContaining("does not chain to the mesh root");
  }

  @Test
  void extraDnsNamesGoToAltNames() throws Exception {
    VaultIssuer issuer = vault.issuer(token());
    CertificateSpec spec = new CertificateSpec(io.openservicemesh.certificate.CertificateKind.MUTATING_WEBHOOK,
        "osm-controller.osm-system.svc", List.of("osm-controller.osm-system.svc", "osm-controller.osm-system"),
        List.of(), Duration.ofHours(2), KeySpec.ECDSA_P256);

    Certificate certificate = issuer.issue(spec);

    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh").get(0).body())
        .containsEntry("alt_names", "osm-controller.osm-system").doesNotContainKey("uri_sans");
    assertThat(OpenSsl.text(certificate.certificateChainPem()))
        .contains("DNS:osm-controller.osm-system.svc, DNS:osm-controller.osm-system");
  }

  @Test
  void aTtlCappedByTheRolesMaxTtlExpiresWhenTheCertificateSays() throws Exception {
    vault.pki.role(VaultFixture.ROLE, TestPkiRole.mesh().maxTtl(Duration.ofHours(1)));
    VaultIssuer issuer = vault.issuer(token());
    Instant now = vault.clock.instant();

    Certificate certificate = issuer.issue(specs(Duration.ofHours(24)).service(BOOKBUYER));

    assertThat(certificate.notAfter()).isEqualTo(now.plus(Duration.ofHours(1)));
    assertThat(certificate.isExpiredAt(now.plus(Duration.ofHours(1)))).isTrue();
    assertThat(log.messages(Level.WARNING))
        .anySatisfy(m -> assertThat(m).contains("Vault warned on POST /v1/pki/issue/openservicemesh")
            .contains("TTL \"24h0m0s\" is longer than permitted maxTTL \"1h0m0s\", so maxTTL is being used"))
        .anySatisfy(m -> assertThat(m).contains("shorter than the requested 86400s"));
  }

  @Test
  void anIntermediateMountServesLeafAndIntermediateAndTrustsTheRoot() throws Exception {
    vault.pki.intermediate("osm intermediate", vault.clock.instant(), true);
    VaultIssuer issuer = vault.issuer(token());

    Certificate certificate = issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER));

    assertThat(certificate.chain()).hasSize(2);
    assertThat(certificate.chain().get(1)).isEqualTo(vault.pki.issuingCa());
    assertThat(certificate.trustedCasPem()).isEqualTo(TestPkiMount.pem(vault.pki.root()));
    assertThat(certificate.issuingCaPem()).isEqualTo(TestPkiMount.pem(vault.pki.issuingCa()));
    String intermediate = TestPkiMount.pem(certificate.chain().get(1));
    assertThat(OpenSsl.verifyWithIntermediates(certificate.trustedCasPem(), intermediate,
        TestPkiMount.pem(certificate.leaf()))).contains("leaf.pem: OK");
  }

  @Test
  void keysInTheRolesOwnFormatAreAcceptedAndHandedOnAsPkcs8() throws Exception {
    vault.pki.ignorePrivateKeyFormat();
    VaultIssuer issuer = vault.issuer(token());

    Certificate certificate = issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER));

    assertThat(certificate.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.decodePrivateKey(certificate.privateKeyPem()).getAlgorithm()).isIn("EC", "ECDSA");
  }

  @Test
  void theRoleDecidesTheKeyTypeAndADifferenceIsWarnedAboutOnce() throws Exception {
    vault.pki.role(VaultFixture.ROLE, TestPkiRole.mesh().key("ec", 384));
    VaultIssuer issuer = vault.issuer(token());

    Certificate first = issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER));
    issuer.issue(specs(Duration.ofHours(1)).service(BOOKSTORE));

    assertThat(IssueResponseReader.keyDescription(first.leaf().getPublicKey())).isEqualTo("ecdsa-p384");
    assertThat(log.messages(Level.WARNING)).filteredOn(m -> m.contains("issues ecdsa-p384 keys")).hasSize(1)
        .allSatisfy(m -> assertThat(m).contains("OpenServiceMesh.certKeyAlgorithm asks for ecdsa-p256"));
  }

  @Test
  void aPolicyThatDoesNotAllowIssuingIsAClearNonRetryableError() throws Exception {
    String noIssue = vault.server.createToken(Duration.ofHours(1), Duration.ZERO, true);
    VaultIssuer issuer = vault.issuer(noIssue);

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .isInstanceOfSatisfying(IssuanceException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage())
              .contains("Vault answered 403 with errors [permission denied]")
              .contains("the token is valid, so its policies lack \"update\" on pki/issue/openservicemesh")
              .contains("path \"pki/issue/openservicemesh\" { capabilities = [\"update\"] }");
        });
    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh")).as("not retried").hasSize(1);
    assertThat(vault.sleeper.waits()).isEmpty();
  }

  @Test
  void aRoleWithoutUriSansStillIssuesEveryCertificateTypeWithoutThemAndSaysOnceHowToAllowThem() throws Exception {
    vault.pki.role(VaultFixture.ROLE, TestPkiRole.mesh().allowedUriSans());
    VaultIssuer issuer = vault.issuer(token());
    MeshCertificateSpecs specs = specs(Duration.ofHours(1));
    ProxyIdentity proxy = new ProxyIdentity(UUID.fromString("6f1c0a52-3f5e-4c1e-9d7a-0b1c2d3e4f50"), BOOKBUYER);

    List<Certificate> issued = List.of(issuer.issue(specs.service(BOOKBUYER)), issuer.issue(specs.xdsBootstrap(proxy)),
        issuer.issue(specs.mutatingWebhook()), issuer.issue(specs.validatingWebhook()));

    assertThat(issued).extracting(Certificate::commonName).containsExactly("bookbuyer.bookstore.cluster.local",
        "6f1c0a52-3f5e-4c1e-9d7a-0b1c2d3e4f50.bookbuyer.bookstore", "osm-controller.osm-system.svc",
        "osm-config-validator.osm-system.svc");
    for (Certificate certificate : issued) {
      assertThat(sanTypes(certificate.leaf())).as(certificate.commonName()).containsOnly(DNS_SAN);
    }
    List<VaultTestServer.Request> asked = vault.server.requests("POST", "pki/issue/openservicemesh");
    assertThat(asked).as("one refused request, then none that carries uri_sans").hasSize(5);
    assertThat(asked.get(0).body()).containsKey("uri_sans");
    assertThat(asked.subList(1, 5)).allSatisfy(r -> assertThat(r.body()).doesNotContainKey("uri_sans"));
    assertThat(log.messages(Level.WARNING)).filteredOn(m -> m.contains("does not allow URI SANs")).singleElement()
        .satisfies(m -> assertThat(m).contains("allowed_uri_sans=\"spiffe://*\"").contains("pki/roles/openservicemesh")
            .contains("<sa>.<ns>.<trust-domain>"));
    assertThat(ProxyCertificates.identityOf(issued.get(1).leaf(), "cluster.local"))
        .as("the proxy identity is read from the common name").isEqualTo(proxy);
  }

  @Test
  void aRoleChangedToAllowUriSansIsNoticedAtTheNextProbe() throws Exception {
    vault.pki.role(VaultFixture.ROLE, TestPkiRole.mesh().allowedUriSans());
    VaultIssuer issuer = vault.issuer(vault.issuingToken(Duration.ofDays(1), Duration.ZERO));
    issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER));

    vault.pki.role(VaultFixture.ROLE, TestPkiRole.mesh());
    Certificate beforeProbe = issuer.issue(specs(Duration.ofHours(1)).service(BOOKSTORE));
    vault.clock.advance(UriSanPolicy.RETRY_AFTER);
    Certificate afterProbe = issuer.issue(specs(Duration.ofHours(1)).service(BOOKSTORE));

    assertThat(sanTypes(beforeProbe.leaf())).containsOnly(DNS_SAN);
    assertThat(sanTypes(afterProbe.leaf())).contains(DNS_SAN, URI_SAN);
    assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m).contains("now allows URI SANs"));
  }

  @Test
  void aRoleWhoseUriSansDoNotMatchTheMeshSaysWhatToAllow() throws Exception {
    vault.pki.role(VaultFixture.ROLE, TestPkiRole.mesh().allowedUriSans("spiffe://other.domain/*"));
    VaultIssuer issuer = vault.issuer(token());

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .isInstanceOfSatisfying(IssuanceException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage())
              .contains("URI Subject Alternative Names were provided via the API which are not valid for this role")
              .contains("allowed_uri_sans must match the mesh's SPIFFE IDs [spiffe://cluster.local/ns/bookstore/sa/bookbuyer]")
              .contains("on pki/roles/openservicemesh");
        });
  }

  private static final int DNS_SAN = 2;
  private static final int URI_SAN = 6;

  private static List<Integer> sanTypes(X509Certificate leaf) throws Exception {
    return leaf.getSubjectAlternativeNames().stream().map(san -> (Integer) san.get(0)).toList();
  }

  @Test
  void aRoleThatRefusesTheNameSaysWhichNameAndHowToAllowIt() throws Exception {
    vault.pki.role(VaultFixture.ROLE, new TestPkiRole().allowedDomains("example.com").allowSubdomains(true)
        .allowedUriSans("spiffe://*"));
    VaultIssuer issuer = vault.issuer(token());

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .hasMessageContaining("[common name bookbuyer.bookstore.cluster.local not allowed by this role]")
        .hasMessageContaining("set allow_any_name=true on pki/roles/openservicemesh");
  }

  @Test
  void aRoleLimitedToTheTrustDomainIssuesMeshNames() throws Exception {
    vault.pki.role(VaultFixture.ROLE, new TestPkiRole().allowedDomains("cluster.local").allowSubdomains(true)
        .allowedUriSans("spiffe://cluster.local/*"));
    VaultIssuer issuer = vault.issuer(token());

    assertThat(issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)).commonName())
        .isEqualTo("bookbuyer.bookstore.cluster.local");
  }

  /**
   * Vault's default issuer changed before the mesh's root change published the new root: what Vault signs with it
   * is not handed out (a peer could not verify it yet), and the failure is retryable, so the certificate in use
   * stays until the change has gone through.
   */
  @Test
  void aCertificateOfARootNotYetTrustedEverywhereIsNotHandedOutAndIsRetried() throws Exception {
    VaultClient client = vault.client();
    VaultTokenKeeper keeper = vault.staticKeeper(client, token());
    keeper.start();
    VaultTrust trust = vault.trust(client);
    ExternalTrust meshTrust = new ExternalTrust(trust.refresh());
    vault.pki.generateRoot("osm.root.2", Duration.ofDays(3650), vault.clock.instant());
    trust.refresh();
    VaultIssuer issuer = new VaultIssuer(client, keeper, trust, meshTrust, "pki", VaultFixture.ROLE,
        KeySpec.ECDSA_P256, vault.clock);

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .isInstanceOfSatisfying(IssuanceException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("a root that not every proxy trusts yet");
        });
  }

  @Test
  void aSealedVaultIsARetryableFailureNamingTheSeal() throws Exception {
    VaultIssuer issuer = vault.issuer(token());
    vault.server.seal();

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .isInstanceOfSatisfying(IssuanceException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("[Vault is sealed]").contains("vault operator unseal");
        });
    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh")).hasSize(4);
  }

  @Test
  void certificatesAlreadyIssuedKeepBeingServedWhileVaultIsAway() throws Exception {
    VaultIssuer issuer = vault.issuer(token());
    CertificateCache manager = new CertificateCache(issuer, vault.clock);
    CertificateSpec bookbuyer = specs(Duration.ofHours(1)).service(BOOKBUYER);
    Certificate issued = manager.getOrIssue(bookbuyer);

    vault.server.close();
    vault.clock.advance(Duration.ofMinutes(30));

    assertThat(manager.getOrIssue(bookbuyer).serialNumber()).isEqualTo(issued.serialNumber());
    assertThatThrownBy(() -> manager.getOrIssue(specs(Duration.ofHours(1)).service(BOOKSTORE)))
        .isInstanceOfSatisfying(IssuanceException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("cannot reach Vault at " + vault.server.address());
        });
    assertThat(manager.trustedCasPem()).isEqualTo(TestPkiMount.pem(vault.pki.root()));
  }

  @Test
  void anExpiredTokenFailsIssuanceFastAndRetryablyWithoutAskingVault() throws Exception {
    VaultIssuer issuer = vault.issuer(vault.server.createToken(Duration.ofMinutes(1), Duration.ZERO, false,
        VaultFixture.ISSUE_POLICY));
    vault.clock.advance(Duration.ofMinutes(2));

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .isInstanceOfSatisfying(IssuanceException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("the Vault token expired at");
        });
    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh")).isEmpty();
  }

  @Test
  void aRevokedKubernetesTokenIsReplacedByALoginAndTheRequestSucceeds() throws Exception {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.osm.sig";
    Path jwtFile = temp.resolve("sa-token");
    java.nio.file.Files.writeString(jwtFile, jwt);
    vault.server.kubernetesRole("kubernetes", "osm", new VaultTestServer.KubernetesRole(java.util.Set.of(jwt),
        java.util.Set.of(VaultFixture.ISSUE_POLICY), Duration.ofHours(1), Duration.ZERO, "osm-controller",
        "osm-system"));
    VaultClient client = vault.client();
    VaultTokenKeeper keeper = vault.keeper(client, new KubernetesAuthentication(client, "kubernetes", "osm", jwtFile));
    keeper.start();
    VaultTrust trust = vault.trust(client);
    trust.refresh();
    VaultIssuer issuer = vault.issuer(client, keeper, trust, VaultFixture.ROLE, KeySpec.ECDSA_P256);
    String revoked = vault.server.tokensFromLogins().get(0);
    vault.server.revoke(revoked);

    Certificate certificate = issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER));

    assertThat(certificate.commonName()).isEqualTo("bookbuyer.bookstore.cluster.local");
    assertThat(vault.server.requests("POST", "auth/kubernetes/login")).hasSize(2);
    assertThat(keeper.token()).isNotEqualTo(new VaultToken(revoked));
    assertThat(vault.server.requests("POST", "pki/issue/openservicemesh")).hasSize(2);
  }

  @Test
  void aCertificateNotSignedByTheNamedIssuingCaIsRefused() throws Exception {
    VaultIssuer issuer = vault.issuer(token());
    TestPkiMount other = new TestPkiMount("other").generateRoot("other", Duration.ofDays(10), vault.clock.instant());
    X509Certificate otherRoot = other.issuingCa();
    vault.server.respondNext("pki/issue/openservicemesh", 200, "{\"data\":{\"certificate\":"
        + com.google.gson.JsonParser.parseString("\"" + TestPkiMount.pem(otherRoot).replace("\n", "\\n") + "\"")
        + ",\"private_key\":\"x\",\"issuing_ca\":\"y\"}}");

    assertThatThrownBy(() -> issuer.issue(specs(Duration.ofHours(1)).service(BOOKBUYER)))
        .isInstanceOfSatisfying(IssuanceException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("Vault's answer is unusable: private_key: ");
        });
  }
}

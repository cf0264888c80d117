package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Issuer;
import io.openservicemesh.certificate.rootchange.ExternalTrust;
import io.openservicemesh.config.KeySpec;
import io.openservicemesh.certificate.vault.IssueResponseReader.UnusableResponseException;
import io.openservicemesh.certificate.vault.VaultException.Kind;
import io.openservicemesh.certificate.vault.VaultTokenKeeper.Denial;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Vault's PKI secrets engine as the mesh CA: every certificate is one {@code POST
 * /v1/<mount>/issue/<role>}, where Vault makes the key and signs. The role decides the key type, the
 * names it allows and the longest TTL; what comes back is checked and taken at its word for expiry.
 * Caching, single flight and rotation are the {@link io.openservicemesh.certificate.CertificateCache}'s,
 * so certificates already issued keep being served while Vault is away.
 */
final class VaultIssuer implements Issuer {

  private static final Logger LOG = Logger.getLogger(VaultIssuer.class.getName());

  /** Asked TTLs end this long before the CA does, so that Vault's clock being ahead of ours cannot tip them over. */
  private static final Duration CA_EXPIRY_MARGIN = Duration.ofMinutes(1);

  /** A certificate ending this much before the requested end was cut short (max_ttl), not just delayed. */
  private static final Duration CAPPED_SLACK = Duration.ofMinutes(1);

  private final VaultClient client;
  private final VaultTokenKeeper tokens;
  private final VaultTrust vaultRoots;
  private final ExternalTrust meshTrust;
  private final String mount;
  private final String role;
  private final KeySpec configuredKey;
  private final Clock clock;
  private final Set<String> keyTypesWarnedAbout = ConcurrentHashMap.newKeySet();
  private final UriSanPolicy uriSans;

  /**
   * @param vaultRoots the roots Vault names now: its answers must chain to one of them or to what the mesh trusts
   * @param meshTrust what the mesh trusts of Vault's roots, old and new, as the root change says
   * @param configuredKey OpenServiceMesh.certKeyAlgorithm: Vault's role decides the key, this is only
   *     compared against it so that a difference is visible
   */
  VaultIssuer(VaultClient client, VaultTokenKeeper tokens, VaultTrust vaultRoots, ExternalTrust meshTrust,
      String mount, String role, KeySpec configuredKey, Clock clock) {
    this.client = client;
    this.tokens = tokens;
    this.vaultRoots = vaultRoots;
    this.meshTrust = meshTrust;
    this.mount = mount;
    this.role = role;
    this.configuredKey = configuredKey;
    this.clock = clock;
    this.uriSans = new UriSanPolicy(mount + "/roles/" + role, clock);
  }

  @Override
  public Certificate issue(CertificateSpec spec) throws IssuanceException {
    IssueRequest request;
    try {
      request = uriSans.shape(IssueRequest.of(spec));
    } catch (IllegalArgumentException e) {
      throw new IssuanceException("cannot ask Vault for CN " + spec.commonName() + ": " + e.getMessage(), false);
    }
    Instant asked = clock.instant();
    request = cappedAtTheCasExpiry(request, asked);
    long started = System.nanoTime();
    Answered answered = send(request, true);
    IssueRequest sent = answered.request();
    IssueResponse response = answered.response();
    Certificate certificate;
    try {
      certificate = IssueResponseReader.read(response, sent, meshTrust.pem(), meshTrust.issuable(), clock.instant());
    } catch (UnusableResponseException e) {
      if (verifies(response, sent, anchors())) {
        throw new IssuanceException(operation() + " for CN " + sent.commonName() + ": Vault signed with a root that"
            + " not every proxy trusts yet (the mesh's root change is publishing it); the certificate in use stays,"
            + " and this is retried", true);
      }
      String message = operation() + " for CN " + sent.commonName() + ": Vault's answer is unusable: "
          + e.getMessage();
      LOG.severe(message);
      throw new IssuanceException(message, false);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    response.warnings().forEach(w -> LOG.warning(() -> "Vault warned on " + operation() + " for CN "
        + sent.commonName() + ": " + w));
    checkSerial(response, certificate);
    checkKeyType(certificate);
    checkExpiry(sent, certificate, asked);
    LOG.info(() -> "Vault issued " + spec.kind() + " certificate CN=" + sent.commonName() + ", serial "
        + certificate.serialHex() + ", alt_names " + sent.altNames() + ", uri_sans " + sent.uriSans()
        + ", requested ttl " + sent.ttl() + ", notAfter " + certificate.notAfter() + ", key "
        + IssueResponseReader.keyDescription(certificate.leaf().getPublicKey()) + ", via " + operation() + " in "
        + millis + " ms");
    return certificate;
  }

  @Override
  public String trustedCasPem() {
    return meshTrust.pem();
  }

  private boolean verifies(IssueResponse response, IssueRequest sent, List<X509Certificate> anchors) {
    try {
      IssueResponseReader.read(response, sent, meshTrust.pem(), anchors, clock.instant());
      return true;
    } catch (UnusableResponseException e) {
      return false;
    }
  }

  /** Every root Vault's answers may chain to: those the mesh trusts, and any Vault names that the mesh does not yet. */
  private List<X509Certificate> anchors() {
    List<X509Certificate> anchors = new ArrayList<>(meshTrust.roots());
    vaultRoots.named().stream().filter(root -> !anchors.contains(root)).forEach(anchors::add);
    return anchors;
  }

  /** A leaf cannot outlive the CA: ask for no more than the earliest anchor has left (as Tresor caps NotAfter). */
  private IssueRequest cappedAtTheCasExpiry(IssueRequest request, Instant now) {
    return vaultRoots.named().stream().map(ca -> ca.getNotAfter().toInstant()).min(Instant::compareTo)
        .map(end -> request.withTtlAtMost(Duration.between(now, end.minus(CA_EXPIRY_MARGIN)).getSeconds()))
        .orElse(request);
  }

  /** Vault's answer, and the request it answered: the asked one, or that without URI SANs. */
  private record Answered(IssueRequest request, IssueResponse response) {}

  private Answered send(IssueRequest request, boolean mayReplaceToken) throws IssuanceException {
    VaultToken token;
    try {
      token = tokens.token();
    } catch (TokenUnavailableException e) {
      throw new IssuanceException("cannot issue for CN " + request.commonName() + ": " + e.getMessage(), true);
    }
    try {
      IssueResponse response = client.issue(token, mount, role, request);
      uriSans.accepted(request);
      return new Answered(request, response);
    } catch (VaultException e) {
      if (uriSans.refusedUriSans(request, e)) {
        return send(request.withoutUriSans(), mayReplaceToken);
      }
      if (e.kind() == Kind.PERMISSION_DENIED) {
        Denial denial = tokens.afterPermissionDenied(token);
        if (denial == Denial.TOKEN_REPLACED && mayReplaceToken) {
          return send(request, false);
        }
        throw logged(permissionDenied(request, e, denial));
      }
      throw logged(new IssuanceException("Vault could not issue a certificate for CN " + request.commonName()
          + ": " + e.getMessage() + hint(e, request), e.retryable(), e));
    }
  }

  private IssuanceException permissionDenied(IssueRequest request, VaultException e, Denial denial) {
    String start = "Vault denied a certificate for CN " + request.commonName() + ": " + e.getMessage();
    if (denial == Denial.POLICY) {
      return new IssuanceException(start + "; the token is valid, so its policies lack \"update\" on "
          + mount + "/issue/" + role + ": grant it with a policy containing path \"" + mount + "/issue/" + role
          + "\" { capabilities = [\"update\"] }", false, e);
    }
    // A refused token that a login may replace (Kubernetes auth) can heal: let callers try again later.
    boolean healable = denial == Denial.TOKEN_REPLACED || tokens.logsIn();
    return new IssuanceException(start + "; Vault refuses the control plane's token itself (see the readiness"
        + " check vault-token)", healable, e);
  }

  private static IssuanceException logged(IssuanceException e) {
    LOG.warning(e.getMessage());
    return e;
  }

  /** What to change, for the refusals a mesh role typically runs into. */
  private String hint(VaultException e, IssueRequest request) {
    String errors = String.join(" ", e.errors());
    if (errors.contains("URI Subject Alternative Names")) {
      return "; the role's allowed_uri_sans must match the mesh's SPIFFE IDs " + request.uriSans() + ", e.g."
          + " allowed_uri_sans=\"spiffe://*\" on " + mount + "/roles/" + role;
    }
    if (errors.contains("not allowed by this role")) {
      return "; the role must allow the mesh's names, which share no common suffix (services, webhooks and"
          + " proxies are named differently): set allow_any_name=true on " + mount + "/roles/" + role
          + " and confine the SPIFFE IDs with allowed_uri_sans";
    }
    if (errors.contains("unknown role")) {
      return "; create the role (vault write " + mount + "/roles/" + role + " ...) or set"
          + " OpenServiceMesh.vault.role to an existing one";
    }
    if (e.status() == 404) {
      return "; is the PKI secrets engine mounted at " + mount + " (OpenServiceMesh.vault.pkiMount)?";
    }
    return "";
  }

  private void checkSerial(IssueResponse response, Certificate certificate) {
    BigInteger said = IssueResponseReader.serial(response.serialNumber());
    if (said != null && !said.equals(certificate.serialNumber())) {
      LOG.warning(() -> "Vault reported serial " + response.serialNumber() + " but the certificate has "
          + certificate.serialHex() + "; the certificate's is used");
    }
  }

  /** Vault's role decides the key type; a difference from the configured one is worth one warning. */
  private void checkKeyType(Certificate certificate) {
    String actual = IssueResponseReader.keyDescription(certificate.leaf().getPublicKey());
    if (!actual.equals(configuredKey.toString()) && keyTypesWarnedAbout.add(actual)) {
      LOG.warning(() -> "Vault's role " + mount + "/roles/" + role + " issues " + actual + " keys, while"
          + " OpenServiceMesh.certKeyAlgorithm asks for " + configuredKey + "; the role decides (set its key_type"
          + " and key_bits to match, or change the setting)");
    }
  }

  private void checkExpiry(IssueRequest request, Certificate certificate, Instant asked) {
    Instant requestedEnd = asked.plusSeconds(request.ttlSeconds());
    if (certificate.notAfter().isBefore(requestedEnd.minus(CAPPED_SLACK))) {
      LOG.warning(() -> "Vault issued CN=" + request.commonName() + " valid until " + certificate.notAfter()
          + ", shorter than the requested " + request.ttl() + " (the role's max_ttl, the mount's max lease TTL or"
          + " the CA's own expiry caps it); it is renewed by its real expiry");
    }
  }

  private String operation() {
    return "POST /v1/" + mount + "/issue/" + role;
  }
}

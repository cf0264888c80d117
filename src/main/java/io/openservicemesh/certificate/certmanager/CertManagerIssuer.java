package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.certificate.rootchange.ExternalTrust;
import io.openservicemesh.certificate.IssuedChain;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.IssuedLeafCheck;
import io.openservicemesh.certificate.Issuer;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.IssuedChain.UnusableCertificateException;
import io.openservicemesh.certificate.IssuedChain.VerifiedChain;
import io.openservicemesh.certificate.certmanager.RequestState.Issued;
import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.Setting;
import io.openservicemesh.crypto.CryptoProvider;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Issues mesh certificates through cert-manager: makes the key here (it never leaves the control plane), sends
 * a CSR in a {@code cert-manager.io/v1} CertificateRequest, waits on a watch until cert-manager signs, denies or
 * fails it, checks the result chains to the mesh root, and deletes the request whatever happened.
 *
 * <p>Against OSM's defects: a denied or failed request is reported as soon as cert-manager says so, with its
 * reason (OSM waited out a fixed 60 s); the wait is bounded by {@code OpenServiceMesh.certmanager.requestTimeout},
 * which by default fits inside the injector webhook's timeout (#3634); and requests are deleted on every path,
 * including lost create responses, found again by a per-issuance label.
 */
public final class CertManagerIssuer implements Issuer {

  private static final Logger LOG = Logger.getLogger(CertManagerIssuer.class.getName());

  /** Labels that let operators find the mesh's requests: {@code kubectl get cr -l app.kubernetes.io/name=...}. */
  static final String NAME_LABEL = "app.kubernetes.io/name";
  static final String NAME_LABEL_VALUE = "openservicemesh.io";
  static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  static final String COMPONENT_LABEL_VALUE = "certificate";
  static final String MESH_REQUESTS = NAME_LABEL + "=" + NAME_LABEL_VALUE + "," + COMPONENT_LABEL + "="
      + COMPONENT_LABEL_VALUE;
  /** Which of the mission's certificate types the request is for, e.g. {@code service}. */
  static final String KIND_LABEL = "openservicemesh.io/certificate-kind";
  /** Unique per issuance: finds every request one issuance created, even one whose create response was lost. */
  static final String ISSUANCE_LABEL = "openservicemesh.io/issuance";
  /** The common name, which can be longer than a label value may be. */
  static final String COMMON_NAME_ANNOTATION = "openservicemesh.io/common-name";

  /**
   * How requests are handled.
   *
   * @param requestTimeout the most one issuance may take, from key generation to the signed certificate
   * @param keepRequests leave requests in place afterwards (debugging)
   * @param watchWindow how long the API server keeps one watch open before the issuer opens the next
   * @param deleteTimeout the limit of one delete call; deletion has its own budget, so it also runs after a
   *     timed-out issuance
   * @param deleteAttempts how often a failed delete is tried
   */
  public record Options(
      Duration requestTimeout, boolean keepRequests, Duration watchWindow, Duration deleteTimeout,
      int deleteAttempts) {

    /** Watches of a minute, deletes of at most 5 s each, tried 3 times. */
    public static Options of(Duration requestTimeout, boolean keepRequests) {
      return new Options(requestTimeout, keepRequests, Duration.ofMinutes(1), Duration.ofSeconds(5), 3);
    }

    public Options withWatchWindow(Duration window) {
      return new Options(requestTimeout, keepRequests, window, deleteTimeout, deleteAttempts);
    }
  }

  private final CertificateRequestClient requests;
  private final IssuerReference issuer;
  private final ExternalTrust trust;
  private final String rootsLocation;
  private final Options options;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ApiRetry retry;
  private final IssuanceListener listener;
  private final RequestWaiter waiter;
  private final IssuanceCleanup cleanup;
  private final CryptoProvider crypto;

  /**
   * @param trust the roots the mesh trusts, which the issuer's answers must chain to; changed by the root change
   * @param rootsLocation where the operator keeps them, for messages
   * @param crypto makes each certificate's key pair and signs its request
   */
  CertManagerIssuer(
      CertificateRequestClient requests, IssuerReference issuer, ExternalTrust trust, String rootsLocation,
      Options options, Clock clock, LongSupplier nanoTime, ApiRetry retry, IssuanceListener listener,
      CryptoProvider crypto) {
    this.crypto = crypto;
    this.requests = requests;
    this.issuer = issuer;
    this.trust = trust;
    this.rootsLocation = rootsLocation;
    this.options = options;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.retry = retry;
    this.listener = listener;
    this.waiter = new RequestWaiter(requests, issuer, options.watchWindow(), retry, nanoTime, listener);
    this.cleanup = new IssuanceCleanup(requests, options.deleteTimeout(), options.deleteAttempts(), retry, listener);
  }

  @Override
  public String trustedCasPem() {
    return trust.pem();
  }

  @Override
  public Certificate issue(CertificateSpec spec) throws IssuanceException {
    Deadline deadline = Deadline.after(options.requestTimeout(), nanoTime);
    String issuanceId = UUID.randomUUID().toString();
    KeyPair keys = crypto.generateKeyPair(spec.key());
    CertificateRequestResource request =
        requestFor(spec, CertificateSigningRequests.pem(spec, keys, crypto), issuanceId);
    Creation creation = new Creation();
    CertManagerMeter.Outcome outcome = CertManagerMeter.Outcome.ERROR;
    try {
      CertificateRequestResource created = create(request, spec, deadline, creation);
      Issued issued = waiter.await(created, spec.commonName(), deadline);
      Certificate certificate = certificate(issued, keys, spec, created.name());
      outcome = CertManagerMeter.Outcome.ISSUED;
      LOG.fine(() -> "cert-manager issued " + certificate + " through CertificateRequest " + requests.namespace()
          + "/" + created.name() + " in " + deadline.elapsed().toMillis() + " ms");
      return certificate;
    } catch (EndedRequestException e) {
      outcome = e.outcome();
      LOG.warning(() -> "cert-manager issuance for " + spec.commonName() + " failed: " + e.getMessage());
      throw e;
    } catch (IssuanceException e) {
      LOG.warning(() -> "cert-manager issuance for " + spec.commonName() + " failed: " + e.getMessage());
      throw e;
    } finally {
      listener.issuanceEnded(outcome, deadline.elapsed());
      if (creation.mayExist) {
        if (options.keepRequests()) {
          LOG.fine(() -> "keeping the CertificateRequest(s) of issuance " + issuanceId + " ("
              + Setting.CERTMANAGER_KEEP_CERTIFICATE_REQUESTS.key() + "=true)");
        } else {
          cleanup.delete(issuanceId, spec.commonName());
        }
      }
    }
  }

  /** Whether a request of this issuance may exist on the server, so that it must be deleted. */
  private static final class Creation {
    boolean mayExist;
  }

  CertificateRequestResource requestFor(CertificateSpec spec, String csrPem, String issuanceId) {
    V1ObjectMeta metadata = new V1ObjectMeta()
        .generateName("osm-")
        .namespace(requests.namespace())
        .labels(Map.of(
            NAME_LABEL, NAME_LABEL_VALUE,
            COMPONENT_LABEL, COMPONENT_LABEL_VALUE,
            KIND_LABEL, kindLabel(spec.kind()),
            ISSUANCE_LABEL, issuanceId))
        .annotations(Map.of(COMMON_NAME_ANNOTATION, spec.commonName()));
    CertificateRequestResource.Spec body = new CertificateRequestResource.Spec(
        CertificateRequestResource.base64(csrPem),
        GoDuration.format(spec.validity()),
        CertificateSigningRequests.USAGES,
        false,
        issuer.toIssuerRef(),
        null);
    return new CertificateRequestResource(
        CertificateRequestResource.GROUP + "/" + CertificateRequestResource.VERSION,
        CertificateRequestResource.KIND, metadata, body, null);
  }

  private CertificateRequestResource create(
      CertificateRequestResource request, CertificateSpec spec, Deadline deadline, Creation creation)
      throws IssuanceException {
    try {
      CertificateRequestResource created = retry.call(deadline, ApiRetry.TRANSIENT_OR_NAME_TAKEN, () -> {
        try {
          CertificateRequestResource answer = requests.create(request, deadline.remaining());
          creation.mayExist = true;
          return answer;
        } catch (ApiException e) {
          // No answer, or a server fault after the write: the object may have been stored all the same.
          if (e.getCode() == 0 || e.getCode() >= 500) {
            creation.mayExist = true;
          }
          throw e;
        }
      });
      listener.requestCreated(created.name());
      return created;
    } catch (ApiException e) {
      throw new IssuanceException(createFailure(e), createRetryable(e), e);
    } catch (InterruptedException e) {
      throw interrupted(spec, e);
    }
  }

  private String createFailure(ApiException e) {
    String base = "cannot create a CertificateRequest in namespace " + requests.namespace() + ": "
        + ApiErrors.describe(e);
    if (e.getCode() == 403) {
      return base + ". The control plane's service account needs 'create', 'get', 'list', 'watch', 'delete' and"
          + " 'deletecollection' on certificaterequests.cert-manager.io in " + requests.namespace();
    }
    if (e.getCode() == 404) {
      return base + ". Is cert-manager installed, and does namespace " + requests.namespace() + " exist?";
    }
    return base;
  }

  /** A request the API server refused as written (400, 422) will be refused again; everything else may pass. */
  private static boolean createRetryable(ApiException e) {
    int code = e.getCode();
    return !(code >= 400 && code < 500) || code == 403 || code == 404 || code == 409 || code == 429;
  }

  private Certificate certificate(Issued issued, KeyPair keys, CertificateSpec spec, String name)
      throws IssuanceException {
    String where = "CertificateRequest " + requests.namespace() + "/" + name + " for " + spec.commonName();
    List<X509Certificate> chain;
    try {
      chain = Pem.decodeCertificates(issued.certificatePem());
    } catch (PemException e) {
      throw new IssuanceException(where + ": status.certificate is not a PEM certificate (" + e.getMessage()
          + ")", false);
    }
    List<X509Certificate> issuerCa = List.of();
    if (issued.caPem().isPresent()) {
      try {
        issuerCa = Pem.decodeCertificates(issued.caPem().get());
      } catch (PemException e) {
        // status.ca is best effort in cert-manager's API; the chain check below decides.
        LOG.fine(() -> where + ": ignoring status.ca, which is not PEM (" + e.getMessage() + ")");
      }
    }
    VerifiedChain verified;
    try {
      verified = IssuedChain.verify(chain, issuerCa, keys.getPublic(), trust.issuable(), clock.instant());
    } catch (UnusableCertificateException e) {
      if (verifies(chain, issuerCa, keys, trust.roots())) {
        throw new IssuanceException(where + ": " + issuer + " signed with a root that not every proxy trusts yet"
            + " (the mesh's root change is publishing it); the certificate in use stays, and this is retried", true);
      }
      throw new IssuanceException(where + ": " + e.getMessage() + ". The key ca.crt of " + rootsLocation
          + " must hold the root of " + issuer, false);
    }
    List<String> problems = IssuedLeafCheck.problems(chain.get(0), spec.commonName(), spec.dnsNames(),
        spec.uris().stream().map(java.net.URI::toString).toList());
    if (!problems.isEmpty()) {
      throw new IssuanceException(where + ": " + issuer + " returned a certificate other than the one asked for: "
          + String.join("; ", problems), false);
    }
    return new Certificate(
        verified.served(), Pem.encodePrivateKey(keys.getPrivate()), Pem.encode(verified.issuingCa()), trust.pem());
  }

  private boolean verifies(List<X509Certificate> chain, List<X509Certificate> issuerCa, KeyPair keys,
      List<X509Certificate> anchors) {
    try {
      IssuedChain.verify(chain, issuerCa, keys.getPublic(), anchors, clock.instant());
      return true;
    } catch (UnusableCertificateException e) {
      return false;
    }
  }

  private static IssuanceException interrupted(CertificateSpec spec, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new IssuanceException("interrupted while issuing a certificate for " + spec.commonName(), true, e);
  }

  /** {@code xds-bootstrap} for {@code XDS_BOOTSTRAP}: label values allow no underscores. */
  static String kindLabel(CertificateKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

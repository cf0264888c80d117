package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Issuer;
import io.openservicemesh.certificate.KeyPairs;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.certmanager.IssuedChain.UnusableCertificateException;
import io.openservicemesh.certificate.certmanager.IssuedChain.VerifiedChain;
import io.openservicemesh.certificate.certmanager.RequestState.Issued;
import io.openservicemesh.certificate.certmanager.RequestState.Pending;
import io.openservicemesh.certificate.certmanager.RequestState.Refused;
import io.openservicemesh.config.GoDuration;
import io.openservicemesh.config.Setting;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.logging.Level;
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

  private static final Duration SHORTEST_CLEAN_WATCH = Duration.ofSeconds(1);

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
  private final MeshRoots roots;
  private final Options options;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ApiRetry retry;
  private final IssuanceListener listener;

  CertManagerIssuer(
      CertificateRequestClient requests, IssuerReference issuer, MeshRoots roots, Options options, Clock clock,
      LongSupplier nanoTime, ApiRetry retry, IssuanceListener listener) {
    this.requests = requests;
    this.issuer = issuer;
    this.roots = roots;
    this.options = options;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.retry = retry;
    this.listener = listener;
  }

  @Override
  public String trustedCasPem() {
    return roots.pem();
  }

  @Override
  public Certificate issue(CertificateSpec spec) throws IssuanceException {
    Deadline deadline = Deadline.after(options.requestTimeout(), nanoTime);
    String issuanceId = UUID.randomUUID().toString();
    KeyPair keys = KeyPairs.generate(spec.key());
    CertificateRequestResource request = requestFor(spec, CertificateSigningRequests.pem(spec, keys), issuanceId);
    Creation creation = new Creation();
    try {
      CertificateRequestResource created = create(request, spec, deadline, creation);
      Issued issued = await(created, spec, deadline);
      Certificate certificate = certificate(issued, keys, spec, created.name());
      LOG.fine(() -> "cert-manager issued " + certificate + " through CertificateRequest " + requests.namespace()
          + "/" + created.name() + " in " + deadline.elapsed().toMillis() + " ms");
      return certificate;
    } catch (IssuanceException e) {
      LOG.warning(() -> "cert-manager issuance for " + spec.commonName() + " failed: " + e.getMessage());
      throw e;
    } finally {
      if (creation.mayExist) {
        if (options.keepRequests()) {
          LOG.fine(() -> "keeping the CertificateRequest(s) of issuance " + issuanceId + " ("
              + Setting.CERTMANAGER_KEEP_CERTIFICATE_REQUESTS.key() + "=true)");
        } else {
          deleteIssuance(issuanceId, spec);
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
      return base + ". The control plane's service account needs 'create', 'get', 'watch' and 'deletecollection'"
          + " on certificaterequests.cert-manager.io in " + requests.namespace();
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

  /**
   * Waits until the request is issued, refused or the deadline passes. Watches from the resource version it
   * last saw, so no update is missed across watches; a watch the server ends (its window) or that breaks is
   * reopened, after a backoff when it broke; when the version is too old (410 Gone) the request is read again.
   */
  private Issued await(CertificateRequestResource created, CertificateSpec spec, Deadline deadline)
      throws IssuanceException {
    String name = created.name();
    CertificateRequestResource current = created;
    String resourceVersion = created.resourceVersion();
    int watches = 0;
    int faults = 0;
    while (true) {
      RequestState state = RequestState.of(current.statusOrEmpty());
      if (state instanceof Issued issued) {
        return issued;
      }
      if (state instanceof Refused refused) {
        throw refusal(refused, name, spec);
      }
      if (deadline.expired()) {
        throw timeout(name, spec, (Pending) state);
      }
      boolean resync;
      long opened = nanoTime.getAsLong();
      int events = 0;
      Duration window = minimum(options.watchWindow(), roundUpToSecond(deadline.remaining()));
      try (Watch<CertificateRequestResource> watch =
          requests.watch(name, resourceVersion, window, deadline.remaining())) {
        listener.watchOpened(name, ++watches);
        resync = false;
        while (watch.hasNext()) {
          Watch.Response<CertificateRequestResource> event = watch.next();
          events++;
          switch (event.type) {
            case "ADDED", "MODIFIED" -> {
              current = event.object;
              resourceVersion = current.resourceVersion();
            }
            case "BOOKMARK" -> resourceVersion = event.object.resourceVersion();
            case "DELETED" -> throw new IssuanceException("CertificateRequest " + requests.namespace() + "/" + name
                + " for " + spec.commonName() + " was deleted by someone else before cert-manager answered", true);
            case "ERROR" -> resync = true;
            default -> LOG.fine(() -> "ignoring watch event " + event.type + " on " + name);
          }
          if (resync || !(RequestState.of(current.statusOrEmpty()) instanceof Pending)) {
            logGone(name, event.status);
            break;
          }
        }
        faults = 0;
      } catch (ApiException e) {
        if (!ApiRetry.TRANSIENT.test(e) && e.getCode() != 410) {
          throw new IssuanceException("cannot watch CertificateRequest " + requests.namespace() + "/" + name + ": "
              + ApiErrors.describe(e) + (e.getCode() == 403 ? ". The control plane's service account needs 'watch'"
              + " on certificaterequests.cert-manager.io in " + requests.namespace() : ""), true, e);
        }
        if (deadline.expired()) {
          continue;
        }
        LOG.fine(() -> "watch on CertificateRequest " + name + " could not be opened, trying again: " + e);
        backOff(faults++, deadline, spec);
        resync = true;
      } catch (RuntimeException | IOException e) {
        // Watch.next/hasNext wrap a broken stream in RuntimeException; a cancelled call at the deadline lands here.
        if (deadline.expired()) {
          continue;
        }
        LOG.fine(() -> "watch on CertificateRequest " + name + " broke, reopening: " + e);
        backOff(faults++, deadline, spec);
        resync = true;
      }
      if (!resync && events == 0 && Duration.ofNanos(nanoTime.getAsLong() - opened).compareTo(SHORTEST_CLEAN_WATCH) < 0
          && !deadline.expired()) {
        // A watch the server closes at once, again and again, must not spin.
        backOff(faults++, deadline, spec);
      }
      if (resync && !deadline.expired()) {
        current = read(name, spec, deadline);
        resourceVersion = current.resourceVersion();
      }
    }
  }

  private static void logGone(String name, V1Status status) {
    if (status != null) {
      LOG.fine(() -> "watch on CertificateRequest " + name + " ended with " + status.getCode() + " "
          + status.getReason() + ": " + status.getMessage() + "; reading it again");
    }
  }

  private CertificateRequestResource read(String name, CertificateSpec spec, Deadline deadline)
      throws IssuanceException {
    try {
      return retry.call(deadline, ApiRetry.TRANSIENT, () -> requests.get(name, deadline.remaining()));
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        throw new IssuanceException("CertificateRequest " + requests.namespace() + "/" + name + " for "
            + spec.commonName() + " was deleted by someone else before cert-manager answered", true, e);
      }
      if (deadline.expired()) {
        throw new IssuanceException("cert-manager did not answer CertificateRequest " + requests.namespace() + "/"
            + name + " for " + spec.commonName() + " within " + GoDuration.format(deadline.budget())
            + ", and the last attempt to read it failed: " + ApiErrors.describe(e), true, e);
      }
      throw new IssuanceException("cannot read CertificateRequest " + requests.namespace() + "/" + name + ": "
          + ApiErrors.describe(e), true, e);
    } catch (InterruptedException e) {
      throw interrupted(spec, e);
    }
  }

  private void backOff(int attempt, Deadline deadline, CertificateSpec spec) throws IssuanceException {
    Duration wait = minimum(retry.delay(attempt), deadline.remaining());
    try {
      retry.sleeper().sleep(wait);
    } catch (InterruptedException e) {
      throw interrupted(spec, e);
    }
  }

  private IssuanceException refusal(Refused refused, String name, CertificateSpec spec) {
    String message = "CertificateRequest " + requests.namespace() + "/" + name + " for " + spec.commonName() + " "
        + refused.kind().verb() + " (issuer " + issuer + "): " + refused.reason()
        + (refused.message().isBlank() ? "" : ": " + refused.message());
    return new IssuanceException(message, refused.retryable());
  }

  private IssuanceException timeout(String name, CertificateSpec spec, Pending pending) {
    return new IssuanceException("cert-manager did not answer CertificateRequest " + requests.namespace() + "/"
        + name + " for " + spec.commonName() + " within " + GoDuration.format(options.requestTimeout()) + " ("
        + Setting.CERTMANAGER_REQUEST_TIMEOUT.key() + "); its conditions: " + pending.summary() + ". "
        + timeoutHint(pending), true);
  }

  private String timeoutHint(Pending pending) {
    if (!pending.summary().contains(CertificateRequestResource.Conditions.APPROVED + "=True")) {
      return "Nothing approved it: is cert-manager running? Its internal approver approves requests for its own"
          + " issuers; with approver-policy, a policy must allow " + issuer + ".";
    }
    return "It was approved but not signed: is " + issuer + " Ready (kubectl describe "
        + issuer.kind().configName().toLowerCase(Locale.ROOT) + " " + issuer.name()
        + (issuer.isClusterScoped() ? "" : " -n " + issuer.namespace()) + ")?";
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
      verified = IssuedChain.verify(chain, issuerCa, keys.getPublic(), roots.certificates(), clock.instant());
    } catch (UnusableCertificateException e) {
      throw new IssuanceException(where + ": " + e.getMessage() + ". The key ca.crt of " + roots.location()
          + " must hold the root of " + issuer, false);
    }
    return new Certificate(
        verified.served(), Pem.encodePrivateKey(keys.getPrivate()), Pem.encode(verified.issuingCa()), roots.pem());
  }

  /**
   * Deletes every request of the issuance, on its own budget so that it also runs after a timeout. Interrupts
   * are held back meanwhile: OkHttp fails calls on an interrupted thread, and a leaked request outlives the thread.
   */
  private void deleteIssuance(String issuanceId, CertificateSpec spec) {
    boolean interrupted = Thread.interrupted();
    try {
      ApiException last = null;
      for (int attempt = 0; attempt < options.deleteAttempts(); attempt++) {
        try {
          requests.deleteLabelled(ISSUANCE_LABEL, issuanceId, options.deleteTimeout());
          listener.requestsDeleted(issuanceId);
          return;
        } catch (ApiException e) {
          last = e;
          if (!ApiRetry.TRANSIENT.test(e)) {
            break;
          }
          if (attempt + 1 < options.deleteAttempts()) {
            try {
              retry.sleeper().sleep(retry.wait(attempt, e));
            } catch (InterruptedException again) {
              interrupted = true;
              break;
            }
          }
        }
      }
      ApiException failure = last;
      LOG.log(Level.WARNING, () -> "could not delete the CertificateRequest(s) of issuance " + issuanceId + " for "
          + spec.commonName() + ": " + ApiErrors.describe(failure) + ". Delete them with: kubectl delete"
          + " certificaterequests -n " + requests.namespace() + " -l " + ISSUANCE_LABEL + "=" + issuanceId
          + " (the next start-up of the control plane also deletes the mesh's leftover requests)");
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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

  private static Duration minimum(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration roundUpToSecond(Duration duration) {
    long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
    return Duration.ofSeconds(Math.max(1, seconds));
  }
}

package io.openservicemesh.lifecycle;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateListener;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.IssuanceMeter;
import io.openservicemesh.certificate.Issuer;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.rotation.CertificateIssued;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.rotation.CertificateRotator;
import io.openservicemesh.rotation.JitteredRenewalTiming;
import io.openservicemesh.rotation.RenewalPolicy;
import io.openservicemesh.rotation.RotationAnnouncer;
import io.openservicemesh.rotation.RotationJournal;
import io.openservicemesh.rotation.RotationLimits;
import io.openservicemesh.rotation.ServedCertificate;
import io.openservicemesh.certificate.RootDistribution;
import io.openservicemesh.certificate.RootLifecycle;
import io.openservicemesh.certificate.StartedIssuer;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * What a started issuer is used through: the certificate cache with its renewal timing, the announcer its
 * replacements go to, the rotator that renews, the journal readiness reports, and the certificate shapes in
 * force. Built once per start; {@link RunningControlPlane} hands its parts out through narrow interfaces.
 */
final class CertificateStack implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CertificateStack.class.getName());
  private static final DoubleSupplier UNIFORM = () -> ThreadLocalRandom.current().nextDouble();

  private final CertificateCache cache;
  private final RotationAnnouncer announcer;
  private final CertificateRotator rotator;
  private final JitteredRenewalTiming timing;
  private final RotationJournal journal;
  private final List<String> extraServingNames;
  private final Runnable upkeep;
  private final Optional<RootLifecycle> roots;
  private volatile MeshCertificateSpecs specs;
  /** The root this replica signed with at the last look: a change re-issues what the previous one signed. */
  private X509Certificate signingRoot;

  private CertificateStack(CertificateCache cache, RotationAnnouncer announcer, CertificateRotator rotator,
      JitteredRenewalTiming timing, RotationJournal journal, MeshSettings settings, Runnable upkeep,
      Optional<RootLifecycle> roots) {
    this.cache = cache;
    this.announcer = announcer;
    this.rotator = rotator;
    this.timing = timing;
    this.journal = journal;
    this.extraServingNames = settings.webhooks().extraServingNames();
    this.upkeep = upkeep;
    this.roots = roots;
    this.specs = specsOf(settings, settings);
  }

  /** For an issuer with nothing to keep up. */
  static CertificateStack build(MeshSettings settings, Issuer issuer, Clock clock) {
    return build(settings, issuer, () -> {}, Optional.empty(), IssuanceMeter.NONE, clock);
  }

  /**
   * @param started the issuer, its upkeep and its root lifecycle, if it has one
   * @param meter counts and times every call to the issuer
   */
  static CertificateStack build(MeshSettings settings, StartedIssuer started, IssuanceMeter meter, Clock clock) {
    return build(settings, started.issuer(), started.upkeep(), started.roots(), meter, clock);
  }

  private static CertificateStack build(MeshSettings settings, Issuer issuer, Runnable upkeep,
      Optional<RootLifecycle> roots, IssuanceMeter meter, Clock clock) {
    RotationAnnouncer announcer = new RotationAnnouncer();
    JitteredRenewalTiming timing = new JitteredRenewalTiming(RenewalPolicy.of(settings.rotation()), UNIFORM);
    CertificateCache cache = new CertificateCache(issuer, clock, timing, announcing(announcer), meter);
    CertificateRotator rotator = CertificateRotator.withWorkerThreads(cache, clock,
        RotationLimits.forInterval(settings.rotation().checkInterval()), CertificateRotator.RETRY_BACKOFF, UNIFORM);
    RotationJournal journal = new RotationJournal(clock);
    announcer.subscribe("rotation-journal", journal);
    return new CertificateStack(cache, announcer, rotator, timing, journal, settings, upkeep, roots);
  }

  /** Every first issuance and every replacement the cache makes, on the announcements channel. */
  private static CertificateListener announcing(RotationAnnouncer announcer) {
    return new CertificateListener() {
      @Override
      public void issued(String commonName, CertificateKind kind, Certificate current) {
        announcer.announce(new CertificateIssued(commonName, kind, current));
      }

      @Override
      public void replaced(String commonName, CertificateKind kind, Certificate previous, Certificate current) {
        announcer.announce(new CertificateRotated(commonName, kind, previous, current));
      }
    };
  }

  /**
   * The certificate shapes: names from the settings the control plane started with (a trust domain or
   * namespace change needs a restart: it changes identities), validity and key from the current ones.
   */
  static MeshCertificateSpecs specsOf(MeshSettings startup, MeshSettings current) {
    return new MeshCertificateSpecs(startup.trustDomain(), startup.osmNamespace(),
        current.serviceCertValidity(), current.internalCertValidity(), current.certKey());
  }

  /** The settings in force changed: the next issuance and renewal use these shapes and this policy. */
  void follow(MeshSettings startup, MeshSettings inForce) {
    specs = specsOf(startup, inForce);
    timing.setPolicy(RenewalPolicy.of(inForce.rotation()));
  }

  MeshCertificateSpecs specs() {
    return specs;
  }

  Certificate serviceCertificate(ServiceIdentity identity) throws IssuanceException {
    return cache.getOrIssue(specs.service(identity));
  }

  void releaseServiceCertificate(ServiceIdentity identity) {
    cache.release(specs.service(identity).commonName());
  }

  /** Issued for the caller and not kept: nothing renews a bootstrap certificate in place. */
  Certificate bootstrapCertificate(ProxyIdentity proxy) throws IssuanceException {
    try {
      return cache.getOrIssue(specs.xdsBootstrap(proxy));
    } finally {
      cache.release(proxy.commonName());
    }
  }

  List<io.openservicemesh.certificate.CachedCertificate> cachedCertificates() {
    return cache.list();
  }

  List<CertificateSpec> servingSpecs() {
    return specs.servingCertificates(extraServingNames);
  }

  Certificate current(CertificateSpec spec) throws IssuanceException {
    return cache.getOrIssue(spec);
  }

  List<ServedCertificate> servedCertificates() {
    return servingSpecs().stream().map(spec -> new ServedCertificate(spec.kind(), cache.cached(spec.commonName()),
        cache.scheduledRenewal(spec.commonName()), journal.last(spec.kind()))).toList();
  }

  /**
   * Issues the serving certificates of the control plane's TLS endpoints, which it needs before it can serve
   * them; rotation keeps them fresh from then on.
   *
   * @return their serials, for the start-up report
   */
  Map<String, String> issueServingCertificates() throws IssuanceException {
    Map<String, String> serials = new LinkedHashMap<>();
    for (CertificateSpec serving : servingSpecs()) {
      serials.put(serving.commonName(), cache.getOrIssue(serving).serialHex());
    }
    return serials;
  }

  Map<CertificateKind, Instant> soonestExpiries() {
    return cache.soonestExpiries();
  }

  /** The issuer backend's upkeep, on the upkeep timer. */
  void upkeep() {
    upkeep.run();
  }

  /**
   * Every replica: follows the root lifecycle's persisted state; when the signing root changed, what the
   * previous one signed is made due for renewal at once, so the rotation's next evidence comes in one pass.
   *
   * @param local this replica's SDS streams; the cache adds its own certificates
   * @return whether the roots this replica signs with or trusts changed
   */
  synchronized boolean followRoots(RootDistribution local, Clock clock) {
    if (roots.isEmpty()) {
      return false;
    }
    String trustedBefore = cache.trustedCasPem();
    X509Certificate signing = roots.get().follow(MeshRootDistribution.of(local, cacheDistribution()));
    boolean signingChanged = signingRoot != null && !signing.equals(signingRoot);
    if (signingChanged) {
      int expedited = cache.expediteNotIssuedBy(signing, clock.instant());
      LOG.info(() -> "the signing root changed: "
          + expedited + " cached certificates are renewed under it now");
    }
    signingRoot = signing;
    return signingChanged || !trustedBefore.equals(cache.trustedCasPem());
  }

  /** The leading replica: moves a root rotation forward on the evidence of the cluster-wide consumers. */
  /** @return whether a step was taken, which this replica should follow at once */
  boolean driveRoots(RootDistribution clusterWide) {
    return roots.map(lifecycle -> lifecycle.drive(clusterWide)).orElse(false);
  }

  /** The root that signs, when the issuer's roots are its own (Tresor); empty for an external CA. */
  Optional<X509Certificate> signingRoot() {
    return Optional.ofNullable(signingRoot);
  }

  Map<String, String> rootDetails() {
    return roots.map(RootLifecycle::details).orElse(Map.of());
  }

  private RootDistribution cacheDistribution() {
    return new RootDistribution() {
      @Override
      public List<String> notHolding(String trustBundlePem) {
        return List.of(); // a cached certificate carries the bundle it was issued with; SDS hands out the current one
      }

      @Override
      public List<String> notIssuedBy(X509Certificate root) {
        return cache.notIssuedBy(root);
      }
    };
  }

  RotationAnnouncer announcer() {
    return announcer;
  }

  CertificateRotator rotator() {
    return rotator;
  }

  JitteredRenewalTiming timing() {
    return timing;
  }

  @Override
  public void close() {
    roots.ifPresent(RootLifecycle::withdraw);
    rotator.close();
    announcer.close();
  }
}

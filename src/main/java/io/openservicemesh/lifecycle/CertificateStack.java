package io.openservicemesh.lifecycle;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateListener;
import io.openservicemesh.certificate.CertificateCache;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Issuer;
import io.openservicemesh.certificate.MeshCertificateSpecs;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.rotation.CertificateIssued;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.rotation.CertificateRotator;
import io.openservicemesh.rotation.JitteredRenewalTiming;
import io.openservicemesh.rotation.RenewalPolicy;
import io.openservicemesh.rotation.RotationAnnouncer;
import io.openservicemesh.rotation.RotationJournal;
import io.openservicemesh.rotation.RotationLimits;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Assembles what a started issuer is used through: the certificate manager with its renewal timing, the
 * announcer its replacements go to, the rotator that renews, and the control plane's own certificates.
 */
final class CertificateStack implements AutoCloseable {

  private static final DoubleSupplier UNIFORM = () -> ThreadLocalRandom.current().nextDouble();

  private final ControlPlane.Certificates certificates;
  private final Rotation rotation;

  private CertificateStack(ControlPlane.Certificates certificates, Rotation rotation) {
    this.certificates = certificates;
    this.rotation = rotation;
  }

  static CertificateStack build(MeshSettings settings, Issuer issuer, Clock clock) {
    RotationAnnouncer announcer = new RotationAnnouncer();
    JitteredRenewalTiming timing = new JitteredRenewalTiming(policyOf(settings), UNIFORM);
    CertificateCache manager = new CertificateCache(issuer, clock, timing, announcing(announcer));
    CertificateRotator rotator = CertificateRotator.withWorkerThreads(manager, clock,
        RotationLimits.forInterval(settings.rotation().checkInterval()), CertificateRotator.RETRY_BACKOFF, UNIFORM);
    RotationJournal journal = new RotationJournal(clock);
    announcer.subscribe("rotation-journal", journal);
    return new CertificateStack(
        new ControlPlane.Certificates(settings, specsOf(settings, settings), manager, announcer),
        new Rotation(rotator, timing, journal));
  }

  /** Every first issuance and every replacement the certificate manager makes, on the announcements channel. */
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

  static RenewalPolicy policyOf(MeshSettings settings) {
    return new RenewalPolicy(settings.rotation().renewBeforeFraction(), settings.rotation().jitterFraction());
  }

  /**
   * Issues the serving certificates of the admission webhooks' endpoints (see {@link
   * MeshCertificateSpecs#servingCertificates}), which this control plane needs before it can serve them;
   * rotation keeps them fresh from then on.
   *
   * @return their serials, for the start-up report
   */
  Map<String, String> issueControlPlaneCertificates() throws IssuanceException {
    MeshCertificateSpecs specs = certificates.specs();
    CertificateCache manager = certificates.manager();
    Map<String, String> serials = new LinkedHashMap<>();
    for (CertificateSpec serving : specs.servingCertificates(certificates.settings().webhooks().extraServingNames())) {
      String name = serving.kind() == CertificateKind.MUTATING_WEBHOOK ? "mutatingWebhookSerial" : "validatingWebhookSerial";
      serials.put(name, manager.getOrIssue(serving).serialHex());
    }
    return serials;
  }

  ControlPlane.Certificates certificates() {
    return certificates;
  }

  Rotation rotation() {
    return rotation;
  }

  @Override
  public void close() {
    rotation.rotator().close();
    certificates.announcer().close();
  }
}

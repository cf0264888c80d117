package io.openservicemesh.lifecycle;

import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.certificate.CachedCertificate;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateInventory;
import io.openservicemesh.certificate.CertificateExpiries;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.ServiceCertificates;
import io.openservicemesh.certificate.ServingCertificates;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.rotation.RotationAnnouncements;
import io.openservicemesh.rotation.RotationStatus;
import io.openservicemesh.rotation.RotationView;
import io.openservicemesh.rotation.ServedCertificate;
import io.openservicemesh.rotation.Subscription;
import io.openservicemesh.status.ControlPlaneStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import io.openservicemesh.certificate.RootStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The running certificate stack, seen by each consumer through the one narrow interface it needs: SDS a
 * service certificate and the trust bundle, the injector a bootstrap certificate, the TLS endpoints their
 * serving certificates, readiness a view of rotation, metrics the inventory of certificates in service. Before the CA is up each answers "not ready" with the
 * reason start-up gives.
 */
@ApplicationScoped
public class RunningControlPlane implements ServiceCertificates, BootstrapCertificates, ServingCertificates,
    TrustBundle, RotationAnnouncements, RotationView, RootStatus, CertificateInventory, CertificateExpiries {

  @Inject ControlPlaneStatus status;

  private volatile CertificateStack stack;

  void started(CertificateStack running) {
    stack = running;
  }

  Optional<CertificateStack> stack() {
    return Optional.ofNullable(stack);
  }

  @Override
  public Certificate serviceCertificate(ServiceIdentity identity) throws IssuanceException {
    return ready().serviceCertificate(identity);
  }

  @Override
  public void release(ServiceIdentity identity) {
    stack().ifPresent(running -> running.releaseServiceCertificate(identity));
  }

  @Override
  public Certificate bootstrapCertificate(ProxyIdentity proxy) throws IssuanceException {
    return ready().bootstrapCertificate(proxy);
  }

  @Override
  public Map<String, String> rootDetails() {
    return stack().map(CertificateStack::rootDetails).orElse(Map.of());
  }

  @Override
  public Optional<X509Certificate> signingRoot() {
    return stack().flatMap(CertificateStack::signingRoot);
  }

  @Override
  public List<CertificateSpec> specs() throws IssuanceException {
    return ready().servingSpecs();
  }

  @Override
  public Certificate current(CertificateSpec spec) throws IssuanceException {
    return ready().current(spec);
  }

  @Override
  public String pem() throws IssuanceException {
    return ready().rotator().trustBundlePem();
  }

  @Override
  public Subscription subscribe(String subscriberName, Consumer<CertificateRotated> listener) {
    return readyOrThrow().announcer().subscribe(subscriberName, listener);
  }

  @Override
  public Subscription subscribe(
      String subscriberName, Collection<String> commonNames, Consumer<CertificateRotated> listener) {
    return readyOrThrow().announcer().subscribe(subscriberName, commonNames, listener);
  }

  @Override
  public Optional<RotationStatus> status() {
    return stack().map(running -> running.rotator().status());
  }

  @Override
  public List<ServedCertificate> servedCertificates() {
    return stack().map(CertificateStack::servedCertificates).orElse(List.of());
  }

  @Override
  public List<CachedCertificate> cachedCertificates() {
    return stack().map(CertificateStack::cachedCertificates).orElse(List.of());
  }

  @Override
  public Map<CertificateKind, Instant> soonestExpiries() {
    return stack().map(CertificateStack::soonestExpiries).orElse(Map.of());
  }

  private CertificateStack ready() throws IssuanceException {
    CertificateStack running = stack;
    if (running == null) {
      throw new IssuanceException("the control plane is not ready: " + status.notReadyReason(), true);
    }
    return running;
  }

  /** Subscribing happens on {@link io.openservicemesh.status.ControlPlaneReady}, so a missing stack is a bug. */
  private CertificateStack readyOrThrow() {
    CertificateStack running = stack;
    if (running == null) {
      throw new IllegalStateException("subscribed to rotations before the control plane was ready");
    }
    return running;
  }
}

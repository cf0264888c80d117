package io.openservicemesh.certificate;

import io.openservicemesh.events.EventReason;
import io.openservicemesh.events.EventRecorder;
import io.openservicemesh.events.MeshEvent;
import java.util.Locale;

/**
 * An issuer that tells each failed issuance as an {@code IssuanceFailed} Event on the control plane's Pod, naming
 * the backend, the certificate and the backend's reason. The backend's messages are the ones already logged,
 * which never carry a key or token. Repeats (every renewal while Vault is down) are counted into one Event by the
 * recorder.
 */
public final class FailureReportingIssuer implements Issuer {

  private final Issuer issuer;
  private final String backend;
  private final EventRecorder events;

  /** @param backend the certificate manager's name, e.g. {@code vault} */
  public FailureReportingIssuer(Issuer issuer, String backend, EventRecorder events) {
    this.issuer = issuer;
    this.backend = backend;
    this.events = events;
  }

  @Override
  public Certificate issue(CertificateSpec spec) throws IssuanceException {
    try {
      return issuer.issue(spec);
    } catch (IssuanceException e) {
      events.record(MeshEvent.aboutControlPlane(EventReason.ISSUANCE_FAILED, backend + " could not issue the "
          + spec.kind().name().toLowerCase(Locale.ROOT).replace('_', '-') + " certificate " + spec.commonName()
          + (e.retryable() ? " (will be retried)" : "") + ": " + e.getMessage()));
      throw e;
    }
  }

  @Override
  public String trustedCasPem() {
    return issuer.trustedCasPem();
  }
}

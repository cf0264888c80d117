package io.openservicemesh.rotation;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import java.util.Objects;

/** A common name got its first certificate. Its string form shows the serial and validity, never a key. */
public record CertificateIssued(String commonName, CertificateKind kind, Certificate current)
    implements CertificateAnnouncement {

  public CertificateIssued {
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(current, "current");
  }

  @Override
  public String summary() {
    return kind + " " + commonName + " issued, serial " + current.serialHex();
  }

  /** Not yet delivered, so still news of an issuance: of the newest certificate. */
  @Override
  public CertificateAnnouncement followedBy(CertificateAnnouncement later) {
    return new CertificateIssued(commonName, later.kind(), later.current());
  }
}

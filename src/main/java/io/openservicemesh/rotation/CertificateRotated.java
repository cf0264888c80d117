package io.openservicemesh.rotation;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;
import java.util.Objects;

/**
 * One identity's certificate was replaced: {@code current} is in service from now on, {@code previous} stays
 * valid until its NotAfter (peers still holding it keep working). Its string form shows serials and
 * validity, never a private key.
 *
 * @param commonName the identity, the key under which the certificate manager caches it
 */
public record CertificateRotated(
    String commonName, CertificateKind kind, Certificate previous, Certificate current)
    implements CertificateAnnouncement {

  public CertificateRotated {
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
  }

  /** A short description for logs: name, kind and the serials. */
  @Override
  public String summary() {
    return kind + " " + commonName + " serial " + previous.serialHex() + " -> " + current.serialHex();
  }

  /** From the certificate the subscriber last saw to the newest; the steps between are of no use. */
  @Override
  public CertificateAnnouncement followedBy(CertificateAnnouncement later) {
    return new CertificateRotated(commonName, later.kind(), previous, later.current());
  }
}

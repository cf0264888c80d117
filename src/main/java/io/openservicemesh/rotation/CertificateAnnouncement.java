package io.openservicemesh.rotation;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.CertificateKind;

/**
 * What the announcements channel says, as the mission describes it ("announce when certificates have been
 * issued or rotated"): a {@link CertificateIssued} or a {@link CertificateRotated}; a subscriber tells which by
 * the type. Subscribers of {@link RotationAnnouncer#subscribe(String, java.util.function.Consumer)} see only
 * rotations; {@link RotationAnnouncer#subscribeToAnnouncements} sees both.
 */
public sealed interface CertificateAnnouncement permits CertificateIssued, CertificateRotated {

  /** The identity, the key under which the certificate manager caches it. */
  String commonName();

  CertificateKind kind();

  /** The certificate in service from now on. */
  Certificate current();

  /** A short description for logs: name, kind and serials, never a key. */
  String summary();

  /**
   * One announcement standing for this one followed by {@code later} (same common name), for a subscriber that
   * has not yet received this one: from what it last saw to the newest.
   */
  CertificateAnnouncement followedBy(CertificateAnnouncement later);
}

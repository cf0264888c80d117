package io.openservicemesh.sds;

import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.TrustBundleChanged;
import io.openservicemesh.rotation.CertificateRotated;
import io.openservicemesh.rotation.RotationAnnouncements;
import io.openservicemesh.status.ControlPlaneReady;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.Consumer;

/**
 * Pushes to open SDS streams what changed under them: a renewed service certificate to the streams of its
 * identity as soon as rotation announces it, and a changed trust bundle to every stream (their validation
 * contexts hold the roots). Without the pushes a proxy would keep the old material until its stream reached its
 * maximum age, which may come after that certificate expired, or after the old root stopped signing.
 */
@ApplicationScoped
public class SdsPushes {

  @Inject SdsStreams streams;
  @Inject RotationAnnouncements announcements;

  void onReady(@Observes ControlPlaneReady ready) {
    announcements.subscribe("sds-streams", listener(streams));
  }

  void onTrustBundleChanged(@Observes TrustBundleChanged changed) {
    streams.refreshAll();
  }

  /**
   * Refreshes the streams indexed under the rotated certificate's common name, for service certificates
   * only: bootstrap and webhook certificates are not delivered over SDS. One subscriber for all streams, so
   * the announcer queues one event per renewed identity however many streams serve it.
   */
  static Consumer<CertificateRotated> listener(SdsStreams streams) {
    return rotated -> {
      if (rotated.kind() == CertificateKind.SERVICE) {
        streams.refresh(rotated.commonName());
      }
    };
  }
}

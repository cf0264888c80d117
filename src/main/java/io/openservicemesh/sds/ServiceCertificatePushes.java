package io.openservicemesh.sds;

import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.lifecycle.ControlPlaneReady;
import io.openservicemesh.rotation.CertificateRotated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.Consumer;

/**
 * Pushes a renewed service certificate to the open SDS streams of its identity as soon as rotation announces
 * it. Without the push a proxy would keep the old certificate until its stream reached its maximum age, which
 * may come after that certificate expired (a short validity renewed late in its life, a long stream age).
 */
@ApplicationScoped
public class ServiceCertificatePushes {

  @Inject SdsStreams streams;

  void onReady(@Observes ControlPlaneReady ready) {
    ready.certificates().announcer().subscribe("sds-streams", listener(streams));
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

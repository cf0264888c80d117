package io.openservicemesh.metrics;

import io.openservicemesh.sds.SdsMeter;
import io.openservicemesh.sds.SdsStreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/** The SDS streams: how many are open, and what happens on them. */
@ApplicationScoped
public class SdsMetrics implements SdsMeter {

  static final Metadata PUSHES = Metadata.builder().withName("osm_sds_pushes")
      .withDescription("Open streams asked to send what changed, by cause (certificate: the identity's service"
          + " certificate was renewed; roots: the validation contexts changed)").build();
  static final Metadata ACKS = Metadata.builder().withName("osm_sds_acks")
      .withDescription("Responses acknowledged by proxies").build();
  static final Metadata NACKS = Metadata.builder().withName("osm_sds_nacks")
      .withDescription("Responses rejected by proxies (the control plane's log has the proxy's error detail)")
      .build();
  static final Metadata RELEASES = Metadata.builder().withName("osm_sds_stream_releases")
      .withDescription("Streams that ended: closed or broken by the client, refused, or closed at their maximum"
          + " age").build();
  static final Metadata IDENTITY_RELEASES = Metadata.builder().withName("osm_sds_identity_releases")
      .withDescription("Identities whose certificate was dropped after they had no stream for the grace period")
      .build();

  @Inject MetricRegistry registry;
  @Inject SdsStreams streams;

  void register(@Observes Startup started) {
    registry.gauge(Metadata.builder().withName("osm_sds_streams")
        .withDescription("Open SDS streams (StreamSecrets and DeltaSecrets)").build(), () -> streams.streamCount());
    registry.gauge(Metadata.builder().withName("osm_sds_identities")
        .withDescription("Service identities with at least one open SDS stream").build(),
        () -> streams.identityCount());
    for (PushCause cause : PushCause.values()) {
      registry.counter(PUSHES, cause(cause));
    }
    registry.counter(ACKS);
    registry.counter(NACKS);
    registry.counter(RELEASES);
    registry.counter(IDENTITY_RELEASES);
  }

  @Override
  public void pushed(PushCause cause, int streamCount) {
    registry.counter(PUSHES, cause(cause)).inc(streamCount);
  }

  @Override
  public void acked() {
    registry.counter(ACKS).inc();
  }

  @Override
  public void nacked() {
    registry.counter(NACKS).inc();
  }

  @Override
  public void streamReleased() {
    registry.counter(RELEASES).inc();
  }

  @Override
  public void identitiesReleased(int identities) {
    registry.counter(IDENTITY_RELEASES).inc(identities);
  }

  private static Tag cause(PushCause cause) {
    return new Tag("cause", cause.name().toLowerCase(Locale.ROOT));
  }
}

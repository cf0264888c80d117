package io.openservicemesh.sds;

import io.openservicemesh.certificate.ServiceCertificates;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Every five seconds: releases the certificates of identities without a stream for {@link #IDLE_GRACE} (memory and
 * renewal work follow the live mesh), closes SDS streams past their maximum age, and pushes the streams again when an upstream
 * service that had no identity gets some (see {@link WaitingUpstreams}). Liberty notices a vanished client on an idle stream only when it
 * writes to it; closing aged streams bounds how long a dead proxy's stream holds memory to the maximum age
 * plus this timer's period, while live Envoys simply reconnect.
 */
@Singleton
@Startup
public class SdsStreamReaper {

  private static final Logger LOG = Logger.getLogger(SdsStreamReaper.class.getName());

  /**
   * How long an identity's certificate is kept after its last stream ended: a restarting pod or a control-plane
   * failover reconnects well within it and finds its certificate; an identity gone for longer costs nothing.
   */
  static final Duration IDLE_GRACE = Duration.ofMinutes(10);

  @Inject SdsStreams streams;
  @Inject UpstreamIdentities upstreams;
  @Inject ServiceCertificates certificates;
  @Inject Clock clock;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void closeExpiredStreams() {
    int closed = streams.closeExpired(clock.instant());
    if (closed > 0) {
      LOG.fine(() -> "closed " + closed + " SDS stream(s) at their maximum age; " + streams.streamCount() + " open");
    }
    int released = streams.releaseIdle(IDLE_GRACE, certificates::release);
    if (released > 0) {
      LOG.fine(() -> "released the certificates of " + released + " identities without a stream for "
          + IDLE_GRACE.toMinutes() + " minutes");
    }
    if (upstreams.anyAppeared()) {
      LOG.fine("identities of an upstream service appeared: pushing the outbound validation contexts");
      streams.refreshAll();
    }
  }
}

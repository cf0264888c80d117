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
 * renewal work follow the live mesh), closes SDS streams past their maximum age or whose client left a response
 * unanswered for {@link #ANSWER_DEADLINE}, and pushes the streams again when an upstream service that had no
 * identity gets some (see {@link WaitingUpstreams}). Liberty notices a vanished client on an idle stream only when
 * it writes to it; closing such streams bounds how long a dead proxy's stream holds memory (and holds up a root
 * rotation waiting for its ACK), while live Envoys simply reconnect.
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

  /**
   * How long a client may leave a response unanswered before its stream is closed: Envoy ACKs or NACKs within
   * milliseconds, so a minute is a client that is stuck or gone (see {@link SdsStreams#closeUnanswered}).
   */
  static final Duration ANSWER_DEADLINE = Duration.ofMinutes(1);

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
    int unanswered = streams.closeUnanswered(clock.instant(), ANSWER_DEADLINE);
    if (unanswered > 0) {
      LOG.info(() -> "closed " + unanswered + " SDS stream(s) whose client left a response unanswered for "
          + ANSWER_DEADLINE.toSeconds() + " s; a live Envoy reconnects");
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

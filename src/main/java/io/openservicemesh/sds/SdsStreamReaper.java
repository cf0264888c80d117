package io.openservicemesh.sds;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * Every five seconds: closes SDS streams past their maximum age, and pushes the streams again when an upstream
 * service that had no identity gets some (see {@link WaitingUpstreams}). Liberty notices a vanished client on an idle stream only when it
 * writes to it; closing aged streams bounds how long a dead proxy's stream holds memory to the maximum age
 * plus this timer's period, while live Envoys simply reconnect.
 */
@Singleton
@Startup
public class SdsStreamReaper {

  private static final Logger LOG = Logger.getLogger(SdsStreamReaper.class.getName());

  @Inject SdsStreams streams;
  @Inject UpstreamIdentities upstreams;
  @Inject Clock clock;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void closeExpiredStreams() {
    int closed = streams.closeExpired(clock.instant());
    if (closed > 0) {
      LOG.fine(() -> "closed " + closed + " SDS stream(s) at their maximum age; " + streams.streamCount() + " open");
    }
    if (upstreams.anyAppeared()) {
      LOG.fine("identities of an upstream service appeared: pushing the outbound validation contexts");
      streams.refreshAll();
    }
  }
}

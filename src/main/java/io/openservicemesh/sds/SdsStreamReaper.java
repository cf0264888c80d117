package io.openservicemesh.sds;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * Closes SDS streams past their maximum age. Liberty notices a vanished client on an idle stream only when it
 * writes to it; closing aged streams bounds how long a dead proxy's stream holds memory to the maximum age
 * plus this timer's period, while live Envoys simply reconnect.
 */
@Singleton
@Startup
public class SdsStreamReaper {

  private static final Logger LOG = Logger.getLogger(SdsStreamReaper.class.getName());

  @Inject SdsStreams streams;
  @Inject Clock clock;

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void closeExpiredStreams() {
    int closed = streams.closeExpired(clock.instant());
    if (closed > 0) {
      LOG.fine(() -> "closed " + closed + " SDS stream(s) at their maximum age; " + streams.streamCount() + " open");
    }
  }
}

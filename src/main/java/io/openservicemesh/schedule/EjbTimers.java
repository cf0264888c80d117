package io.openservicemesh.schedule;

import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import java.time.Duration;

/**
 * The control plane's EJB timers, made one way. Every timer is non-persistent: its work (start the CA, rotate,
 * reconcile) is recomputed from the cluster after a restart, so a timer stored across restarts would only fire
 * late into a control plane that has already done it.
 */
public final class EjbTimers {

  private EjbTimers() {}

  /** One run of the bean's {@code @Timeout} method after {@code delay}. */
  public static void once(TimerService timers, Duration delay, String name) {
    timers.createSingleActionTimer(delay.toMillis(), new TimerConfig(name, false));
  }

  /** Runs of the bean's {@code @Timeout} method every {@code interval}, the first after one interval. */
  public static void every(TimerService timers, Duration interval, String name) {
    timers.createIntervalTimer(interval.toMillis(), interval.toMillis(), new TimerConfig(name, false));
  }

  /** Cancels every pending run of the bean's timers, e.g. as its application stops. */
  public static void cancelAll(TimerService timers) {
    for (Timer timer : timers.getTimers()) {
      try {
        timer.cancel();
      } catch (RuntimeException alreadyGone) {
        // Fired, expired or cancelled meanwhile: nothing left to stop.
      }
    }
  }
}

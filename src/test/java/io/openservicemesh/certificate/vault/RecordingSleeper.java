package io.openservicemesh.certificate.vault;

import io.openservicemesh.schedule.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the waits between retries instead of waiting. */
final class RecordingSleeper implements Sleeper {

  private final List<Duration> waits = new ArrayList<>();

  @Override
  public synchronized void sleep(Duration duration) {
    waits.add(duration);
  }

  synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }
}

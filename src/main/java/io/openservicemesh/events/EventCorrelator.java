package io.openservicemesh.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides which recorded events reach the API server, the way client-go's EventCorrelator does: repeats of one
 * reason about one subject within the aggregation window are one Event whose {@code count} grows, written again at
 * most once per repeat interval; every write takes a token from one bucket shared by all subjects. A storm (a
 * thousand pods refused, an issuer down for every renewal) therefore costs a bounded number of API calls, and
 * the Event's count still says how many there were: a repeat that is not written is counted into the next write.
 */
public final class EventCorrelator {

  /** Subject names are cut to leave room for the suffix in the 253 characters of an object name. */
  private static final int MAX_NAME_PREFIX = 200;

  /**
   * What to send for one observation.
   *
   * @param eventName the Event object's name, the same for every repeat within the window
   * @param create true for the first write of the Event, false for an update of its count
   * @param count how many times it happened, this one included
   */
  public record Write(String eventName, boolean create, int count, Instant firstSeen, Instant lastSeen) {}

  private static final class Seen {
    final String eventName;
    final Instant firstSeen;
    Instant lastSeen;
    Instant lastWrite;
    int count;

    Seen(String eventName, Instant firstSeen) {
      this.eventName = eventName;
      this.firstSeen = firstSeen;
    }
  }

  private record Key(EventSubject subject, EventReason reason) {}

  private final Clock clock;
  private final Duration window;
  private final Duration repeatInterval;
  private final TokenBucket bucket;
  private final Map<Key, Seen> recent;
  private long sequence;

  /**
   * @param window how long after the last repeat a new one still joins the same Event
   * @param repeatInterval the least time between two writes of one Event
   * @param maxSubjects how many (subject, reason) pairs are remembered; the least recently seen is forgotten
   */
  public EventCorrelator(Clock clock, Duration window, Duration repeatInterval, TokenBucket bucket, int maxSubjects) {
    this.clock = clock;
    this.window = window;
    this.repeatInterval = repeatInterval;
    this.bucket = bucket;
    this.recent = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Seen> eldest) {
        return size() > maxSubjects;
      }
    };
  }

  /** The defaults: a 10 minute window, a write per Event per 30 s, 25 writes at once then one per 2 s. */
  public static EventCorrelator withDefaults(Clock clock) {
    return new EventCorrelator(clock, Duration.ofMinutes(10), Duration.ofSeconds(30),
        new TokenBucket(clock, 25, Duration.ofSeconds(2)), 4096);
  }

  /** Counts one occurrence; empty when it is not to be written now. */
  public synchronized Optional<Write> observe(EventSubject subject, EventReason reason) {
    Instant now = clock.instant();
    Key key = new Key(subject, reason);
    Seen seen = recent.get(key);
    if (seen == null || now.isAfter(seen.lastSeen.plus(window))) {
      seen = new Seen(eventName(subject, now), now);
      recent.put(key, seen);
    }
    seen.count++;
    seen.lastSeen = now;
    boolean first = seen.lastWrite == null;
    boolean due = first || !now.isBefore(seen.lastWrite.plus(repeatInterval));
    if (!due || !bucket.tryTake()) {
      return Optional.empty();
    }
    seen.lastWrite = now;
    return Optional.of(new Write(seen.eventName, first, seen.count, seen.firstSeen, now));
  }

  /** Like client-go: the subject's name and a unique hexadecimal suffix from the clock. */
  private String eventName(EventSubject subject, Instant now) {
    String prefix = subject.name().length() > MAX_NAME_PREFIX
        ? subject.name().substring(0, MAX_NAME_PREFIX) : subject.name();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + sequence++;
    return prefix + "." + Long.toHexString(nanos);
  }
}

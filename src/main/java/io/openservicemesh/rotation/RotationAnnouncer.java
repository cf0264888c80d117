package io.openservicemesh.rotation;

import io.openservicemesh.schedule.LogThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells every subscriber (SDS streams, the webhooks' TLS, the webhook configurations' caBundle) that a
 * certificate was rotated, and the subscribers to all announcements also that one was first issued, without letting one subscriber hold up another or the rotation
 * pass that announced it (OSM's pub-sub stalled all rotations behind one slow consumer, #4847).
 *
 * <p>A subscriber takes every rotation, or only those of the common names it names (an SDS stream, its
 * identity's). How: {@link #announce} only puts the event in each interested subscriber's own pending list
 * and returns. Each subscriber's events are delivered in order, one at a time, by a shared pool of delivery
 * threads, at most one thread per subscriber at a time (so a listener need not be thread-safe). A slow
 * listener occupies one thread and delays only its own events; a failing one is logged and counted, and
 * gets the next event. The pool is bounded ({@value #DELIVERY_THREADS} threads): only that many listeners
 * stuck at the same time would delay the others.
 *
 * <p>Pending events are coalesced per common name: a subscriber that fell behind on an identity receives one
 * event from the certificate it last saw to the newest, not every step in between. Each subscriber has at
 * most {@code pendingLimit} identities pending; beyond that new events for it are dropped, counted and
 * logged (a subscriber that far behind must resynchronise from the certificate manager anyway).
 */
public final class RotationAnnouncer implements RotationAnnouncements, AutoCloseable {

  public static final int DEFAULT_PENDING_LIMIT = 10_000;
  static final int DELIVERY_THREADS = 32;
  /** Events delivered before a busy subscriber's task yields its thread to the others. */
  private static final int BATCH = 64;
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
  private static final Logger LOG = Logger.getLogger(RotationAnnouncer.class.getName());

  private final int pendingLimit;
  private final ThreadPoolExecutor deliveries;
  /** Subscribers to every rotation; few (webhooks, caBundle, journal), so a copy-on-write list. */
  private final List<Subscriber> toEverything = new CopyOnWriteArrayList<>();
  /** Subscribers to some names (an SDS stream to its identity), found by name: many, each cheap to reach. */
  private final ConcurrentMap<String, List<Subscriber>> byCommonName = new ConcurrentHashMap<>();
  private final Set<Subscriber> all = ConcurrentHashMap.newKeySet();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final LogThrottle failureLogs = new LogThrottle(Duration.ofSeconds(10), 10);
  private volatile boolean closed;

  public RotationAnnouncer() {
    this(DEFAULT_PENDING_LIMIT);
  }

  /** @param pendingLimit most identities pending per subscriber */
  public RotationAnnouncer(int pendingLimit) {
    if (pendingLimit < 1) {
      throw new IllegalArgumentException("pendingLimit must be at least 1, got " + pendingLimit);
    }
    this.pendingLimit = pendingLimit;
    this.deliveries = new ThreadPoolExecutor(DELIVERY_THREADS, DELIVERY_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemonThreads());
    this.deliveries.allowCoreThreadTimeOut(true);
  }

  /**
   * Registers a listener for every rotation announced from now on.
   *
   * @param subscriberName shown in logs, statistics and thread names, e.g. {@code sds:bookstore/bookstore-v1}
   * @throws IllegalStateException after {@link #close}
   */
  @Override
  public Subscription subscribe(String subscriberName, Consumer<CertificateRotated> listener) {
    Subscriber subscriber = newSubscriber(subscriberName, rotationsOnly(listener), false, Set.of());
    toEverything.add(subscriber);
    return subscriber;
  }

  /**
   * Registers a listener for every announcement from now on: first issuances ({@link CertificateIssued}) as
   * well as rotations ({@link CertificateRotated}), the mission's announcements channel.
   *
   * @throws IllegalStateException after {@link #close}
   */
  public Subscription subscribeToAnnouncements(
      String subscriberName, Consumer<CertificateAnnouncement> listener) {
    Subscriber subscriber = newSubscriber(subscriberName, listener, true, Set.of());
    toEverything.add(subscriber);
    return subscriber;
  }

  /**
   * Registers a listener for the rotations of the given common names only, e.g. an SDS stream for the
   * identity it serves. Finding a rotation's subscribers then costs one lookup by name, however many
   * streams are open, and a subscriber never holds events of names it does not serve.
   *
   * @throws IllegalStateException after {@link #close}
   */
  @Override
  public Subscription subscribe(
      String subscriberName, Collection<String> commonNames, Consumer<CertificateRotated> listener) {
    Subscriber subscriber = newSubscriber(subscriberName, rotationsOnly(listener), false, Set.copyOf(commonNames));
    for (String name : subscriber.commonNames) {
      byCommonName.compute(name, (key, list) -> {
        List<Subscriber> subscribed = list == null ? new CopyOnWriteArrayList<>() : list;
        subscribed.add(subscriber);
        return subscribed;
      });
    }
    return subscriber;
  }

  /** Hands the event to each interested subscriber's pending list and returns; never waits for a listener. */
  public void announce(CertificateAnnouncement event) {
    Objects.requireNonNull(event, "event");
    if (closed) {
      LOG.fine(() -> "not announced, the announcer is closed: " + event.summary());
      return;
    }
    for (Subscriber subscriber : toEverything) {
      subscriber.offer(event);
    }
    for (Subscriber subscriber : byCommonName.getOrDefault(event.commonName(), List.of())) {
      subscriber.offer(event);
    }
  }

  private static Consumer<CertificateAnnouncement> rotationsOnly(Consumer<CertificateRotated> listener) {
    Objects.requireNonNull(listener, "listener");
    return announcement -> listener.accept((CertificateRotated) announcement);
  }

  private Subscriber newSubscriber(String subscriberName, Consumer<CertificateAnnouncement> listener,
      boolean wantsIssuances, Set<String> commonNames) {
    Objects.requireNonNull(subscriberName, "subscriberName");
    Objects.requireNonNull(listener, "listener");
    if (closed) {
      throw new IllegalStateException("the rotation announcer is closed");
    }
    Subscriber subscriber = new Subscriber(subscriberName, listener, wantsIssuances, commonNames);
    all.add(subscriber);
    return subscriber;
  }

  /** Listener calls that threw, over all subscribers. */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  /** Events not delivered because a subscriber had too many identities pending. */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Counters per current subscriber, e.g. for metrics or a health detail. */
  public List<SubscriberStatistics> subscribers() {
    List<SubscriberStatistics> statistics = new ArrayList<>();
    for (Subscriber subscriber : all) {
      statistics.add(subscriber.statistics());
    }
    statistics.sort(Comparator.comparing(SubscriberStatistics::name));
    return statistics;
  }

  /** Counters of one subscriber. */
  public record SubscriberStatistics(
      String name, int pending, long delivered, long failed, long coalesced, long dropped) {}

  /** {@link #close(Duration)} with a 5 second grace. */
  @Override
  public void close() {
    close(DEFAULT_GRACE);
  }

  /**
   * Stops taking announcements and subscriptions, lets pending deliveries finish for up to {@code grace},
   * then interrupts listeners still running.
   *
   * @return whether every delivery finished within the grace
   */
  public boolean close(Duration grace) {
    closed = true;
    deliveries.shutdown();
    try {
      if (deliveries.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Runnable> abandoned = deliveries.shutdownNow();
    LOG.warning(() -> "rotation announcer closed with deliveries still running after " + grace.toMillis()
        + " ms: their listeners were interrupted, " + abandoned.size() + " queued delivery task(s) dropped");
    return false;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger number = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "rotation-announcer-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** One subscriber: its pending events, keyed by common name in arrival order, and its counters. */
  private final class Subscriber implements Subscription {

    private final String name;
    private final Consumer<CertificateAnnouncement> listener;
    /** Whether first issuances are delivered too, not only rotations. */
    private final boolean wantsIssuances;
    /** Empty for a subscriber to every rotation. */
    private final Set<String> commonNames;
    private final LinkedHashMap<String, CertificateAnnouncement> pending = new LinkedHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong droppedHere = new AtomicLong();
    // Guarded by this: whether a delivery task is queued or running; at most one is.
    private boolean delivering;
    private boolean cancelled;

    Subscriber(String name, Consumer<CertificateAnnouncement> listener, boolean wantsIssuances,
        Set<String> commonNames) {
      this.name = name;
      this.listener = listener;
      this.wantsIssuances = wantsIssuances;
      this.commonNames = commonNames;
    }

    void offer(CertificateAnnouncement event) {
      if (event instanceof CertificateIssued && !wantsIssuances) {
        return;
      }
      synchronized (this) {
        if (cancelled) {
          return;
        }
        CertificateAnnouncement earlier = pending.get(event.commonName());
        if (earlier != null) {
          pending.put(event.commonName(), earlier.followedBy(event));
          coalesced.incrementAndGet();
        } else if (pending.size() >= pendingLimit) {
          droppedHere.incrementAndGet();
          dropped.incrementAndGet();
          long suppressed = failureLogs.permit();
          if (suppressed >= 0) {
            LOG.warning("rotation subscriber " + name + " has " + pendingLimit + " identities pending and"
                + " missed the announcement " + event.summary() + LogThrottle.suppressedNote(suppressed));
          }
          return;
        } else {
          pending.put(event.commonName(), event);
        }
        if (delivering) {
          return;
        }
        delivering = true;
      }
      schedule();
    }

    private void schedule() {
      try {
        deliveries.execute(this::deliverPending);
      } catch (RejectedExecutionException closing) {
        synchronized (this) {
          delivering = false;
        }
      }
    }

    private void deliverPending() {
      Thread thread = Thread.currentThread();
      String threadName = thread.getName();
      // A thread dump then names the subscriber a stuck delivery belongs to.
      thread.setName(threadName + " [" + name + "]");
      try {
        // Once closing, drain everything here: the pool takes no new tasks.
        for (int count = 0; count < BATCH || deliveries.isShutdown(); count++) {
          CertificateAnnouncement next = takeNext();
          if (next == null) {
            return;
          }
          deliver(next);
        }
      } finally {
        thread.setName(threadName);
      }
      // More pending after a full batch: queue again behind the other subscribers.
      schedule();
    }

    private CertificateAnnouncement takeNext() {
      synchronized (this) {
        if (cancelled || pending.isEmpty()) {
          delivering = false;
          return null;
        }
        Iterator<CertificateAnnouncement> oldest = pending.values().iterator();
        CertificateAnnouncement next = oldest.next();
        oldest.remove();
        return next;
      }
    }

    private void deliver(CertificateAnnouncement event) {
      try {
        listener.accept(event);
        delivered.incrementAndGet();
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed.incrementAndGet();
        listenerFailures.incrementAndGet();
        long suppressed = failureLogs.permit();
        if (suppressed >= 0) {
          // The event's summary holds names and serials only; the exception is the listener's own.
          LOG.log(Level.WARNING, "rotation subscriber " + name + " failed on " + event.summary()
              + "; it stays subscribed" + LogThrottle.suppressedNote(suppressed), e);
        }
      }
    }

    SubscriberStatistics statistics() {
      int pendingNow;
      synchronized (this) {
        pendingNow = pending.size();
      }
      return new SubscriberStatistics(
          name, pendingNow, delivered.get(), failed.get(), coalesced.get(), droppedHere.get());
    }

    @Override
    public void close() {
      synchronized (this) {
        cancelled = true;
        pending.clear();
      }
      toEverything.remove(this);
      for (String commonName : commonNames) {
        byCommonName.computeIfPresent(commonName, (key, list) -> {
          list.remove(this);
          return list.isEmpty() ? null : list;
        });
      }
      all.remove(this);
    }
  }
}

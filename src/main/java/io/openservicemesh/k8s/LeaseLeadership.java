package io.openservicemesh.k8s;

import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leadership through a coordination.k8s.io Lease, held with the Kubernetes client's LeaderElector: the holder
 * renews the Lease every retry period; a replica that cannot renew it within the renew deadline stops leading,
 * and another takes it once the lease duration has passed without renewal. The durations are Kubernetes' own
 * defaults for its controllers (15 s, 10 s, 2 s): a leader that dies is replaced within about 15 s.
 *
 * <p>The elector runs on one daemon thread and is run again after each loss, so a replica that lost the Lease
 * (a long pause, the API server away) competes for it again.
 */
public final class LeaseLeadership implements Leadership, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LeaseLeadership.class.getName());

  static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  private final ApiClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final AtomicBoolean leading = new AtomicBoolean();
  private volatile boolean closed;
  private volatile LeaderElector elector;
  private Thread thread;

  /**
   * @param identity this replica's name in the Lease's holderIdentity; unique among replicas
   */
  public LeaseLeadership(ApiClient client, String namespace, String leaseName, String identity) {
    this.client = client;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
  }

  public synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::compete, "lease-" + leaseName);
      thread.setDaemon(true);
      thread.start();
    }
  }

  @Override
  public boolean leading() {
    return leading.get();
  }

  public String identity() {
    return identity;
  }

  /** Waits until this replica leads, or the timeout passes; whether it leads. */
  public synchronized boolean awaitLeading(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!leading.get()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  private void compete() {
    while (!closed) {
      LeaderElector current = new LeaderElector(new LeaderElectionConfig(
          new LeaseLock(namespace, leaseName, identity, client), LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD));
      elector = current;
      try {
        current.run(this::becameLeader, this::lostLeadership);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "leader election on Lease " + namespace + "/" + leaseName + " failed; competing again",
            e);
      } finally {
        lostLeadership();
        current.close();
      }
      pauseBeforeCompetingAgain();
    }
  }

  /** The elector returns at once when it cannot even start (the API server away): no busy loop then. */
  private void pauseBeforeCompetingAgain() {
    try {
      Thread.sleep(RETRY_PERIOD.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private synchronized void becameLeader() {
    if (!closed && leading.compareAndSet(false, true)) {
      LOG.info(() -> identity + " leads: holds Lease " + namespace + "/" + leaseName);
      notifyAll();
    }
  }

  private void lostLeadership() {
    if (leading.compareAndSet(true, false)) {
      LOG.info(() -> identity + " no longer leads: lost Lease " + namespace + "/" + leaseName);
    }
  }

  /** Stops competing; a held Lease is left to expire, which the next leader waits out. */
  @Override
  public void close() {
    closed = true;
    leading.set(false);
    LeaderElector current = elector;
    if (current != null) {
      current.close();
    }
  }
}

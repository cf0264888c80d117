package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Keeps the CA store holding the root Tresor signs with, while it runs. Deleted (an operator's mistake, a
 * namespace clean-up): written back from the root in memory, the same root, so every proxy keeps trusting and a
 * restart does not make a new one. Changed to another root or broken: said, once per change, and left alone; the
 * running control plane keeps signing with the root every proxy trusts (adopting another root is a root
 * rotation, not an edit).
 */
final class CaSecretKeeper implements Runnable {

  static final Duration CHECK_EVERY = Duration.ofSeconds(30);
  private static final Logger LOG = Logger.getLogger(CaSecretKeeper.class.getName());

  /** What the last check found, so each finding is logged once. */
  enum Finding { IN_PLACE, WRITTEN_BACK, DIFFERENT, UNREADABLE }

  private final CaBundleStore store;
  private final StoredCaBundle inUse;
  private final Clock clock;
  private Instant nextCheck;
  private Finding last = Finding.IN_PLACE;

  CaSecretKeeper(CaBundleStore store, CaBundle inUse, Clock clock) {
    this.store = store;
    this.inUse = CaBundleCodec.encode(inUse);
    this.clock = clock;
    this.nextCheck = clock.instant().plus(CHECK_EVERY);
  }

  @Override
  public synchronized void run() {
    Instant now = clock.instant();
    if (now.isBefore(nextCheck)) {
      return;
    }
    nextCheck = now.plus(CHECK_EVERY);
    check();
  }

  /** One look at the store; returns what it found. */
  synchronized Finding check() {
    Finding finding;
    String detail = "";
    try {
      Optional<StoredCaBundle> stored = store.load();
      if (stored.isEmpty()) {
        StoredCaBundle now = store.createIfAbsent(inUse);
        finding = now.equals(inUse) ? Finding.WRITTEN_BACK : Finding.DIFFERENT;
      } else {
        finding = sameRoot(stored.get()) ? Finding.IN_PLACE : Finding.DIFFERENT;
      }
    } catch (CaStoreException e) {
      finding = Finding.UNREADABLE;
      detail = e.getMessage();
    }
    report(finding, detail);
    last = finding == Finding.WRITTEN_BACK ? Finding.IN_PLACE : finding;
    return finding;
  }

  /** The certificate and key decide; a stale {@code expiration} is the codec's business, not a change of root. */
  private boolean sameRoot(StoredCaBundle stored) {
    return inUse.caCrt().trim().equals(String.valueOf(stored.caCrt()).trim())
        && inUse.privateKey().trim().equals(String.valueOf(stored.privateKey()).trim());
  }

  private void report(Finding finding, String detail) {
    if (finding == last) {
      return;
    }
    switch (finding) {
      case WRITTEN_BACK -> LOG.warning(() -> store.location() + " was deleted while the control plane ran: wrote"
          + " it back from the root in use, so proxies keep trusting it and a restart loads it again");
      case DIFFERENT -> LOG.warning(() -> store.location() + " now holds another root than the one in use; the"
          + " control plane keeps signing with the one every proxy trusts. To adopt the stored root, restart"
          + " once every proxy trusts it (a root rotation), or restore the Secret");
      case UNREADABLE -> LOG.warning(() -> "cannot check " + store.location() + ": " + detail);
      case IN_PLACE -> LOG.info(() -> store.location() + " holds the root in use again");
    }
  }
}

package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.store.CaBundleStore;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
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
  /** The root that signs now: a root rotation changes it while this keeper runs. */
  private final Supplier<CaBundle> signing;
  private final CaBundleDecoding stored;
  private final Clock clock;
  private Instant nextCheck;
  private Finding last = Finding.IN_PLACE;

  CaSecretKeeper(CaBundleStore store, Supplier<CaBundle> signing, Clock clock) {
    this.store = store;
    this.signing = signing;
    this.stored = new CaBundleDecoding(store.location());
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
    StoredCaBundle inUse = CaBundleCodec.encode(signing.get());
    try {
      Optional<StoredCaBundle> stored = store.load();
      if (stored.isEmpty()) {
        StoredCaBundle written = store.createIfAbsent(inUse);
        finding = written.equals(inUse) ? Finding.WRITTEN_BACK : Finding.DIFFERENT;
      } else {
        finding = holds(stored.get(), clock.instant()) ? Finding.IN_PLACE : Finding.DIFFERENT;
      }
    } catch (CaStoreException e) {
      finding = Finding.UNREADABLE;
      detail = e.getMessage();
    }
    report(finding, detail);
    last = finding == Finding.WRITTEN_BACK ? Finding.IN_PLACE : finding;
    return finding;
  }

  /** Decoded, not compared as text: an operator's PEM may wrap lines or write the key as PKCS#1. */
  private boolean holds(StoredCaBundle content, Instant now) {
    try {
      return stored.decode(content, now).sameAs(signing.get());
    } catch (BrokenCaBundleException broken) {
      return false;
    }
  }

  private void report(Finding finding, String detail) {
    if (finding == last) {
      return;
    }
    switch (finding) {
      case WRITTEN_BACK -> LOG.warning(() -> store.location() + " was deleted while the control plane ran: wrote"
          + " it back from the root in use, so proxies keep trusting it and a restart loads it again");
      case DIFFERENT -> LOG.warning(() -> store.location() + " now holds another root than the one that signs; the"
          + " control plane keeps signing with the one every proxy trusts. In a cluster a sound new root is adopted"
          + " through a root rotation (published to every proxy first); a broken one is refused and left alone");
      case UNREADABLE -> LOG.warning(() -> "cannot check " + store.location() + ": " + detail);
      case IN_PLACE -> LOG.info(() -> store.location() + " holds the root in use again");
    }
  }
}

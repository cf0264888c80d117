package io.openservicemesh.certificate.tresor;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A rotation of the mesh root in progress, as persisted: the outgoing root, the incoming one, and the phase
 * that says which of them signs. Pure: each phase's roots and its successor are functions of the record.
 *
 * <ol>
 *   <li>{@link Phase#PREPARED}: the incoming root exists and every replica trusts both; the outgoing root still
 *       signs. Moves on once every consumer holds the bundle of both roots.
 *   <li>{@link Phase#PUBLISHED}: that evidence is in; next, the CA Secret is given the incoming root.
 *   <li>{@link Phase#SIGNING}: the incoming root signs, both are still trusted, and what the outgoing root
 *       signed is re-issued. Moves on once nothing the outgoing root signed is held or served.
 *   <li>Retired: the outgoing root is trusted no more (see {@link RetiredRoot}).
 * </ol>
 *
 * @param reason why it started, for operators: {@code requested}, {@code lifetime}, {@code operator}
 */
public record RootRotation(Phase phase, CaBundle outgoing, CaBundle incoming, String reason, Instant startedAt,
    Instant phaseSince) {

  /** The steps of a rotation, in order. */
  public enum Phase {
    PREPARED, PUBLISHED, SIGNING;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Phase parse(String text) {
      for (Phase phase : values()) {
        if (phase.configName().equals(text)) {
          return phase;
        }
      }
      throw new IllegalArgumentException("unknown rotation phase '" + text + "'");
    }
  }

  public static RootRotation prepare(CaBundle outgoing, CaBundle incoming, String reason, Instant now) {
    return new RootRotation(Phase.PREPARED, outgoing, incoming, reason, now, now);
  }

  /** The next phase; a rotation in {@link Phase#SIGNING} ends by retiring the outgoing root instead. */
  public RootRotation advance(Instant now) {
    if (phase == Phase.SIGNING) {
      throw new IllegalStateException("a signing rotation ends by retirement, not by another phase");
    }
    return new RootRotation(Phase.values()[phase.ordinal() + 1], outgoing, incoming, reason, startedAt, now);
  }

  public CaBundle signing() {
    return phase == Phase.SIGNING ? incoming : outgoing;
  }

  /** What every replica signs with and trusts in this phase: both roots, the signing one first. */
  public TresorRoots roots() {
    CaBundle other = phase == Phase.SIGNING ? outgoing : incoming;
    return TresorRoots.of(signing(), List.of(other.trustAnchor()));
  }

  /**
   * What the signing phase waits for everything to be issued by: the incoming CA's signing certificate, so that
   * a new intermediate under the same root is rotated to as well.
   */
  public X509Certificate incomingRoot() {
    return incoming.certificate();
  }

  @Override
  public String toString() {
    return "RootRotation[" + phase.configName() + ", outgoing serial " + outgoing.serialHex() + ", incoming serial "
        + incoming.serialHex() + ", " + reason + ", since " + phaseSince + "]";
  }
}

package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.Pem;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A change of an external CA's roots in progress, as persisted. The CA (Vault, cert-manager's issuer) decides
 * what signs; the control plane decides what the mesh trusts and when everything is re-issued. Pure: each
 * phase's trust and its successor are functions of the record.
 *
 * <ol>
 *   <li>{@link Phase#PREPARED}: the mesh trusts the outgoing and the incoming roots. Moves on once every
 *       consumer holds that bundle.
 *   <li>{@link Phase#SIGNING}: everything not issued by the incoming signing root is re-issued. Moves on once
 *       nothing else is held or served.
 *   <li>Retired: the mesh trusts the incoming roots only.
 * </ol>
 *
 * @param outgoing the roots the mesh trusted before, its signing root first
 * @param incoming the roots the CA names now, its signing root first
 */
public record ExternalRootChange(Phase phase, List<X509Certificate> outgoing, List<X509Certificate> incoming,
    Instant startedAt, Instant phaseSince) {

  public ExternalRootChange {
    if (outgoing.isEmpty() || incoming.isEmpty()) {
      throw new IllegalArgumentException("a root change needs roots on both sides");
    }
    outgoing = List.copyOf(outgoing);
    incoming = List.copyOf(incoming);
  }

  /** The steps, in order. */
  public enum Phase {
    PREPARED, SIGNING;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Phase parse(String text) {
      for (Phase phase : values()) {
        if (phase.configName().equals(text)) {
          return phase;
        }
      }
      throw new IllegalArgumentException("unknown phase '" + text + "' (prepared, signing or retired)");
    }
  }

  public static ExternalRootChange prepare(List<X509Certificate> outgoing, List<X509Certificate> incoming,
      Instant now) {
    return new ExternalRootChange(Phase.PREPARED, outgoing, incoming, now, now);
  }

  public ExternalRootChange advance(Instant now) {
    if (phase == Phase.SIGNING) {
      throw new IllegalStateException("a signing change ends by retirement, not by another phase");
    }
    return new ExternalRootChange(Phase.SIGNING, outgoing, incoming, startedAt, now);
  }

  /** What the mesh trusts throughout: the incoming roots first, then the outgoing ones not among them. */
  public List<X509Certificate> trusted() {
    List<X509Certificate> trusted = new ArrayList<>(incoming);
    outgoing.stream().filter(root -> !trusted.contains(root)).forEach(trusted::add);
    return List.copyOf(trusted);
  }

  public String trustPem() {
    return Pem.encode(trusted());
  }

  /**
   * What a certificate handed out in this phase may chain to: until every consumer trusts the incoming roots, only
   * the outgoing ones, so no proxy holds a certificate its peers cannot verify yet.
   */
  public List<X509Certificate> issuable() {
    return phase == Phase.SIGNING ? trusted() : outgoing;
  }

  /** The root everything is expected to be issued by in this phase. */
  public X509Certificate signingRoot() {
    return phase == Phase.SIGNING ? incoming.get(0) : outgoing.get(0);
  }

  /** The outgoing roots the CA no longer names: trusted no more once the change ends. */
  public List<X509Certificate> retiring() {
    return outgoing.stream().filter(root -> !incoming.contains(root)).toList();
  }

  @Override
  public String toString() {
    return "ExternalRootChange[" + phase.configName() + ", outgoing " + serials(outgoing) + ", incoming "
        + serials(incoming) + ", since " + phaseSince + "]";
  }

  static String serials(List<X509Certificate> roots) {
    return roots.stream().map(root -> root.getSerialNumber().toString(16)).toList().toString();
  }
}
